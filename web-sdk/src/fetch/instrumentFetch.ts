import { SpanKind, SpanStatusCode, context, propagation, trace, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE } from '../semconv.js';
import { httpClientSpan } from './httpAttributes.js';

export interface FetchTracingOptions {
  /** Whether a request to `url` (`href` is `url.href`, serialized once) may carry `traceparent`, `tracestate` and `baggage`. */
  propagateTo: (url: URL, href: string) => boolean;
  /** Requests never traced (the exporter's own, as a backstop: it uses the unwrapped fetch). */
  ignore: (href: string) => boolean;
  /** Base of relative URLs. Default `location.href`. */
  baseUrl?: string;
}

type Fetch = typeof globalThis.fetch;

/**
 * Wraps `target.fetch` so each request is an HTTP client span (stable HTTP semantic conventions),
 * child of the active context, with trace headers injected for allow-listed origins only. The
 * span ends when the response headers arrive; HTTP >= 400 (the client-span rule) and network
 * errors set ERROR. Everything on the request path is synchronous and small: no response clone,
 * no resource-timing wait, so a traced fetch costs about what an untraced one does.
 * Returns a function that puts the original fetch back.
 */
export function instrumentFetch(tracer: Tracer, options: FetchTracingOptions, target: { fetch: Fetch } = globalThis): () => void {
  const original = target.fetch;
  const traced = function fetch(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    let url: URL;
    try {
      url = new URL(input instanceof Request ? input.url : String(input), options.baseUrl ?? location.href);
    } catch {
      return original.call(this, input, init); // Let fetch report the bad URL itself.
    }
    const href = url.href;
    if (options.ignore(href)) return original.call(this, input, init);
    const parent = context.active();
    const { name, attributes } = httpClientSpan(init?.method ?? (input instanceof Request ? input.method : 'GET'), url, href);
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    if (options.propagateTo(url, href)) {
      const spanContext = trace.setSpan(parent, span);
      if (input instanceof Request) {
        // Request headers cannot be replaced, only mutated: copy first so the caller's Request is untouched.
        input = new Request(input, init);
        init = undefined;
        propagation.inject(spanContext, input.headers, HEADERS_SETTER);
      } else {
        const headers = new Headers(init?.headers);
        propagation.inject(spanContext, headers, HEADERS_SETTER);
        init = { ...init, headers };
      }
    }
    let pending: Promise<Response>;
    try {
      pending = original.call(this, input, init);
    } catch (error) {
      endWithError(span, error);
      throw error;
    }
    return pending.then(
      (response) => {
        endWithResponse(span, response);
        return response;
      },
      (error: unknown) => {
        endWithError(span, error);
        throw error;
      },
    );
  };
  target.fetch = traced;
  return () => {
    if (target.fetch === traced) target.fetch = original;
  };
}

const HEADERS_SETTER = { set: (headers: Headers, key: string, value: string) => headers.set(key, value) };

function endWithResponse(span: Span, response: Response): void {
  // Opaque (no-cors) responses have status 0: nothing is known, so nothing is claimed.
  if (response.status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
  if (response.status >= 400) {
    span.setAttribute(ATTR_ERROR_TYPE, String(response.status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function endWithError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : undefined;
  span.setAttribute(ATTR_ERROR_TYPE, err?.name ?? '_OTHER');
  span.setStatus({ code: SpanStatusCode.ERROR, message: err?.message ?? 'network error' });
  span.end();
}
