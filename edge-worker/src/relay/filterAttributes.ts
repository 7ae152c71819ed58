/**
 * Which browser attributes reach the collector: only keys on an allow-list pass, and URLs
 * lose their query string and fragment on the way (tokens and personal data live there).
 */
import type { OtlpKeyValue, OtlpTraceRequest } from './otlpTypes.js';

/** Resource attributes relayed by default. A trailing `*` matches a prefix. */
export const DEFAULT_RELAYED_RESOURCE_ATTRIBUTES: readonly string[] = [
  'service.name',
  'service.version',
  'service.namespace',
  'service.instance.id',
  'telemetry.sdk.*',
  'telemetry.distro.*',
  'deployment.environment.name',
  'browser.*',
  'user_agent.original',
  'session.id',
];

/**
 * Span, event and link attributes relayed by default. `user.tier` and `enduser.id` are not
 * among them: on browser spans they are the page's claims, and tail sampling keeps a whole
 * trace for any span with a premium tier, so a relayed `user.tier=vip` would force it. The
 * edge's own spans carry the verified values; add the claims to `spanAttributes` only where
 * nothing decides on them.
 */
export const DEFAULT_RELAYED_SPAN_ATTRIBUTES: readonly string[] = [
  'http.*',
  'url.*',
  'server.address',
  'server.port',
  'network.protocol.*',
  'error.type',
  'exception.*',
  'user_agent.original',
  'session.id',
  'session.previous_id',
  'journey.*',
  'browser.*',
  'event.name',
  'web_vital.*',
  'component',
  'event_type',
  'target_element',
  'target_xpath',
];

/** Keys whose string values are URLs (or request targets) to strip. */
const URL_KEYS = new Set(['url.full', 'url.original', 'http.url', 'http.target', 'browser.navigation.from']);
/** Keys that hold nothing but the parts of a URL we never relay. */
const DROPPED_URL_KEYS = new Set(['url.query', 'url.fragment']);

/** Builds the predicate for an allow-list of exact keys and `prefix.*` patterns. */
export function attributeAllowList(patterns: readonly string[]): (key: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return (key) => !DROPPED_URL_KEYS.has(key) && (exact.has(key) || prefixes.some((prefix) => key.startsWith(prefix)));
}

/** `https://shop.example/pay?card=4111#top` → `https://shop.example/pay`. */
export function stripQuery(value: string): string {
  const end = value.search(/[?#]/);
  return end === -1 ? value : value.slice(0, end);
}

function filterList(attributes: OtlpKeyValue[], allowed: (key: string) => boolean): OtlpKeyValue[] {
  const kept: OtlpKeyValue[] = [];
  for (const attribute of attributes) {
    if (!allowed(attribute.key)) continue;
    const value = attribute.value;
    if (URL_KEYS.has(attribute.key) && 'stringValue' in value) kept.push({ key: attribute.key, value: { stringValue: stripQuery(value.stringValue) } });
    else kept.push(attribute);
  }
  return kept;
}

export interface AttributeFilter {
  resource: (key: string) => boolean;
  span: (key: string) => boolean;
}

/** Drops attributes off the allow-lists, in place (the request is the relay's own copy). */
export function filterAttributes(request: OtlpTraceRequest, filter: AttributeFilter): void {
  for (const resourceSpans of request.resourceSpans) {
    resourceSpans.resource.attributes = filterList(resourceSpans.resource.attributes, filter.resource);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        span.attributes = filterList(span.attributes, filter.span);
        for (const event of span.events) event.attributes = filterList(event.attributes, filter.span);
        for (const link of span.links) link.attributes = filterList(link.attributes, filter.span);
      }
    }
  }
}
