import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { FeatureHost } from '../core.js';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL } from '../semconv.js';

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * `XMLHttpRequest` spans: HTTP client spans on the stable semantic conventions (HTTP >= 400,
 * network errors, timeouts and aborts as ERROR), with trace headers and the journey's baggage to
 * the same origins as fetch: the page's own and `propagateTo`. For pages whose calls are not
 * fetch: axios' default browser adapter, jQuery's `$.ajax`. The SDK's own exports use fetch, so
 * none of them is an XHR.
 *
 * The SDK's own wrapper of `open` and `send`, where it used
 * @opentelemetry/instrumentation-xml-http-request before: that package has no OpenTelemetry JS 3
 * release (0.223 is its last; it needs core 2.x, whose peer range excludes @opentelemetry/api
 * 1.10). Unlike it, no resource-timing events.
 */
export function onXhr(host: FeatureHost): () => void {
  const prototype = XMLHttpRequest.prototype;
  const { open, send } = prototype;
  const targets = new WeakMap<XMLHttpRequest, { method: string; url: URL }>();
  const propagates = (url: URL) => url.origin === globalThis.location?.origin || host.propagateTo.some((pattern) => pattern.test(url.href));

  prototype.open = function open_(this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    try {
      targets.set(this, { method: method.toUpperCase(), url: new URL(String(url), globalThis.location?.href) });
    } catch {
      targets.delete(this); // Not a URL the browser will take either: its open() throws below.
    }
    return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof open;

  prototype.send = function send_(this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const target = targets.get(this);
    if (!target) return send.call(this, body);
    const { method, url } = target;
    const span = host.tracer.startSpan(method, {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_FULL]: url.href,
        [ATTR_SERVER_ADDRESS]: url.hostname,
        [ATTR_SERVER_PORT]: Number(url.port) || DEFAULT_PORTS[url.protocol] || 0,
      },
    });
    if (propagates(url)) {
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), headers);
      for (const [name, value] of Object.entries(headers)) this.setRequestHeader(name, value);
    }
    let failure: string | undefined;
    const failed = (event: Event) => (failure = event.type);
    for (const type of ['error', 'timeout', 'abort']) this.addEventListener(type, failed, { once: true });
    this.addEventListener(
      'loadend',
      () => {
        if (this.status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, this.status);
        // https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status: a client span is an error from 400 on.
        const errorType = failure ?? (this.status === 0 ? 'error' : this.status >= 400 ? String(this.status) : undefined);
        if (errorType) {
          span.setAttribute(ATTR_ERROR_TYPE, errorType);
          span.setStatus({ code: SpanStatusCode.ERROR, message: failure ? `XMLHttpRequest ${failure}` : `HTTP ${this.status}` });
        }
        span.end();
      },
      { once: true },
    );
    return send.call(this, body);
  };

  return () => {
    prototype.open = open;
    prototype.send = send;
  };
}
