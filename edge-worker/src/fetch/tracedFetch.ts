import type { Attributes } from '@opentelemetry/api';
import { SPAN_KIND, SPAN_STATUS_CODE, traceApi } from '../telemetry/api.js';
import { activeContext } from '../telemetry/activeContext.js';
import type { EdgeTracing } from '../telemetry/edgeTracing.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '../semconv.js';
import { headersSetter, recordSetter } from './headersCarrier.js';
import { globalFetch } from './globalFetch.js';
import type { MetricAttributes } from '../metrics/durationHistogram.js';

/** Decides whether an outbound URL may receive trace headers and baggage. */
export type PropagateTo = (url: URL) => boolean;

/** Builds a `PropagateTo` from a list of origins (`https://api.example.com`). */
export function propagateToOrigins(origins: readonly string[]): PropagateTo {
  const allowed = new Set<string>();
  for (const origin of origins) {
    // A malformed entry allows nothing rather than failing every request.
    if (URL.canParse(origin)) allowed.add(new URL(origin).origin);
  }
  return (url) => allowed.has(url.origin);
}

/** What a traced call needs to know of its URL: span attributes, and whether it gets trace headers. */
interface Target {
  urlFull: string;
  hostname: string;
  port: number;
  propagate: boolean;
}

/** Distinct URLs remembered per traced fetch (a worker calls the same few over and over). */
const TARGET_CACHE_SIZE = 256;

/**
 * A `fetch` that opens a CLIENT span for each call and injects the active context
 * (traceparent, tracestate, baggage), but only into requests for allow-listed origins:
 * a third party gets no trace headers and no baggage. `propagateTo` is asked once per
 * distinct URL. `spanAttributes` are added to every span (e.g. the service binding's name).
 */
export function createTracedFetch(
  tracing: EdgeTracing,
  propagateTo: PropagateTo,
  baseFetch: typeof fetch = globalFetch,
  spanAttributes?: Attributes,
): typeof fetch {
  // Reading a URL's parts costs a call into the runtime each: once per distinct URL is enough.
  const targets = new Map<string, Target>();
  const targetOf = (href: string, url?: URL): Target => {
    let target = targets.get(href);
    if (!target) {
      const parsed = url ?? new URL(href);
      target = {
        urlFull: parsed.origin + parsed.pathname,
        hostname: parsed.hostname,
        port: Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80),
        propagate: propagateTo(parsed),
      };
      if (targets.size >= TARGET_CACHE_SIZE) targets.clear();
      targets.set(href, target);
    }
    return target;
  };

  return async function tracedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const startedMillis = Date.now();
    // A Request is copied only when one is passed in: for a URL and init, a second Request
    // (and its body stream) would be pure overhead; only the headers are copied, to inject.
    const request = input instanceof Request ? new Request(input, init) : undefined;
    const { urlFull, hostname, port: serverPort, propagate } = request
      ? targetOf(request.url)
      : input instanceof URL
        ? targetOf(input.href, input)
        : targetOf(String(input));
    const method = request ? request.method : normalizeMethod(init?.method);
    const parent = activeContext();
    let status = 0;
    const span = tracing.tracer.startSpan(
      method,
      {
        kind: SPAN_KIND.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_FULL]: urlFull,
          [ATTR_SERVER_ADDRESS]: hostname,
          [ATTR_SERVER_PORT]: serverPort,
          ...spanAttributes,
        },
      },
      parent,
    );
    // Headers are copied only to inject into them (the caller's stay as they were).
    let outgoingInit = init;
    if (propagate) {
      const active = traceApi.setSpan(parent, span);
      if (request) tracing.propagator.inject(active, request.headers, headersSetter);
      else if (isHeadersRecord(init?.headers)) {
        // A plain object stays one: a runtime `Headers` object costs more to make and to collect.
        const headers: Record<string, string> = { ...init?.headers };
        tracing.propagator.inject(active, headers, recordSetter);
        outgoingInit = { ...init, headers };
      } else {
        const headers = new Headers(init?.headers);
        tracing.propagator.inject(active, headers, headersSetter);
        outgoingInit = { ...init, headers };
      }
    }
    try {
      const response = await (request ? baseFetch(request) : baseFetch(input, outgoingInit));
      status = response.status;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.status >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, String(response.status));
        span.setStatus({ code: SPAN_STATUS_CODE.ERROR });
      }
      return response;
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      span.recordException(err);
      span.setAttribute(ATTR_ERROR_TYPE, err.name);
      span.setStatus({ code: SPAN_STATUS_CODE.ERROR, message: err.message });
      throw error;
    } finally {
      span.end();
      // `http.client.request.duration`, with this call's span as the exemplar.
      if (tracing.metrics) {
        const attributes: MetricAttributes = { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_SERVER_ADDRESS]: hostname, [ATTR_SERVER_PORT]: serverPort };
        if (status) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
        else attributes[ATTR_ERROR_TYPE] = 'network';
        tracing.metrics.recordClient({
          durationSeconds: (Date.now() - startedMillis) / 1000,
          attributes,
          spanContext: span.spanContext(),
          error: status === 0 || status >= 500,
        });
      }
    }
  };
}

/** Headers given as a plain object (or none), not a `Headers` or a list of pairs. */
function isHeadersRecord(headers: HeadersInit | undefined): headers is Record<string, string> | undefined {
  return headers === undefined || (typeof headers === 'object' && !(headers instanceof Headers) && !Array.isArray(headers));
}

const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** The method as `new Request` would report it: the standard ones upper-cased, others as given. */
function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}
