import type { Attributes } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_REQUEST_METHOD_ORIGINAL, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL } from '../semconv.js';

/** Methods semantic conventions know; any other is reported as `_OTHER` with the original kept. */
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The span name and start attributes of an HTTP client span, per the stable HTTP semantic
 * conventions: name `{method}`, `http.request.method`, `url.full`, `server.address`, `server.port`.
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
 */
export function httpClientSpan(method: string, url: URL, href = url.href): { name: string; attributes: Attributes } {
  const upper = method.toUpperCase();
  const known = KNOWN_METHODS.has(upper) ? upper : '_OTHER';
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: known, [ATTR_URL_FULL]: href, [ATTR_SERVER_ADDRESS]: url.hostname };
  if (known !== method) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method;
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  if (port) attributes[ATTR_SERVER_PORT] = port;
  return { name: known === '_OTHER' ? 'HTTP' : known, attributes };
}
