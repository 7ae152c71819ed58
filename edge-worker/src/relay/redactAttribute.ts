/**
 * Credentials and URLs in relayed attributes. The allow-list passes whole namespaces (`http.*`,
 * `url.*`, `browser.*`), and a page can put anything under them: `http.request.header.authorization`,
 * a token in `url.path`'s query string, `user:password@` in `url.full`. Values are judged by
 * name, as OpenTelemetry's semantic conventions ask of instrumentations (`REDACTED`).
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/ (header attributes)
 * @see https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/ (url.full redaction)
 */
import type { OtlpAnyValue } from './otlpTypes.js';

/** What a redacted value becomes (the semantic conventions' word). */
export const REDACTED = 'REDACTED';

/** Names that hold credentials, wherever they appear in an attribute key or a header name. */
const CREDENTIAL_NAME = /authorization|authentication|cookie|token|api[-_.]?key|password|passwd|secret|credential|signature|bearer|jwt|csrf|xsrf/;
/** Header names that carry a session (a key like `session.id` is the kit's own, not a secret). */
const SESSION_HEADER_NAME = /session|^sid$|^x-sid$/;
const HEADER_PREFIXES = ['http.request.header.', 'http.response.header.'];

/** Keys whose values are URLs, or a URL's path and query (a request target). */
const URL_KEYS = new Set(['url.full', 'url.original', 'url.path', 'http.url', 'http.target', 'browser.navigation.from', 'http.request.header.referer']);
/** An absolute URL (any scheme), wherever it turns up as a whole value. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** `scheme://user:password@` */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;

/** `https://u:p@shop.example/pay?card=4111#top` → `https://REDACTED:REDACTED@shop.example/pay`. */
export function stripQuery(value: string): string {
  const end = value.search(/[?#]/);
  const withoutQuery = end === -1 ? value : value.slice(0, end);
  return withoutQuery.replace(USERINFO, `$1${REDACTED}:${REDACTED}@`);
}

/** Whether the key names a credential: by its name, or the header it records. */
export function isCredentialKey(key: string): boolean {
  const lower = key.toLowerCase();
  const header = HEADER_PREFIXES.find((prefix) => lower.startsWith(prefix));
  if (header && SESSION_HEADER_NAME.test(lower.slice(header.length))) return true;
  return CREDENTIAL_NAME.test(lower);
}

function mapStrings(value: OtlpAnyValue, map: (text: string) => string): OtlpAnyValue {
  if ('stringValue' in value) return { stringValue: map(value.stringValue) };
  if ('arrayValue' in value) return { arrayValue: { values: value.arrayValue.values.map((item) => mapStrings(item, map)) } };
  if ('kvlistValue' in value)
    return { kvlistValue: { values: value.kvlistValue.values.map(({ key, value: item }) => ({ key, value: mapStrings(item, map) })) } };
  return value;
}

/**
 * The value to forward for `key`: `REDACTED` (keeping an array an array) for credentials; URLs
 * without query string, fragment or user info; string values cut to `maxLength`.
 */
export function redactAttribute(key: string, value: OtlpAnyValue, maxLength: number): OtlpAnyValue {
  if (isCredentialKey(key)) return 'arrayValue' in value ? { arrayValue: { values: [{ stringValue: REDACTED }] } } : { stringValue: REDACTED };
  const isUrlKey = URL_KEYS.has(key);
  return mapStrings(value, (text) => {
    const clean = isUrlKey || ABSOLUTE_URL.test(text) ? stripQuery(text) : text;
    return clean.length > maxLength ? clean.slice(0, maxLength) : clean;
  });
}
