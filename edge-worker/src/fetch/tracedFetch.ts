import { SPAN_KIND, SPAN_STATUS_CODE, traceApi } from '../tracer/api.js';
import { activeContext } from '../context/activeContext.js';
import type { EdgeTracing } from '../tracing/edgeTracing.js';
import type { Attributes, Context as OtelContext } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '../semconv.js';
import { headersSetter, recordSetter } from './headersCarrier.js';
import { globalFetch } from './globalFetch.js';
import { followRedirect, isRedirectStatus, REDIRECT_MAX_COUNT, type HopRequest } from './redirect.js';
import type { MetricAttributes } from '@journeytrace/contract/metrics';

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
 * A `fetch` that opens a CLIENT span for each request it sends and injects the active context
 * (traceparent, tracestate, baggage), but only into requests for allow-listed origins:
 * a third party gets no trace headers and no baggage. `propagateTo` is asked once per
 * distinct URL. `spanAttributes` are added to every span (e.g. the service binding's name).
 *
 * Redirects are followed here, not by the runtime (which would resend every header to wherever
 * the answer points): each hop is asked of `propagateTo` on its own, a hop to an origin not
 * allowed gets no trace headers (the caller's own included), and a hop to another origin none of
 * the caller's credentials (`Authorization`, `Cookie`, `Proxy-Authorization`). Methods and bodies
 * change as fetch changes them (redirect.ts), at most 20 redirects are followed, and the caller's
 * `redirect` mode keeps its meaning: `'manual'` gets the 3xx answer, `'error'` a `TypeError`.
 * Each hop is its own CLIENT span, siblings under the caller's span, the resent ones marked with
 * `http.request.resend_count` (the stable HTTP semantic conventions ask for a span per request
 * sent when the instrumentation sees each one).
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
  // The headers the propagator writes: a hop that may not have them gets none of them.
  const traceHeaders = tracing.propagator.fields();
  /** The first request's init (or the Request itself, changed in place), the context injected if allowed. */
  const firstInit = (init: RequestInit | undefined, request: Request | undefined, propagate: boolean, active: OtelContext): RequestInit => {
    const outgoing: RequestInit = { ...init, redirect: 'manual' };
    if (!propagate) return outgoing;
    // Headers are copied only to inject into them (the caller's stay as they were).
    if (request) tracing.propagator.inject(active, request.headers, headersSetter);
    else if (isHeadersRecord(init?.headers)) {
      // A plain object stays one: a runtime `Headers` object costs more to make and to collect.
      const headers: Record<string, string> = { ...init?.headers };
      tracing.propagator.inject(active, headers, recordSetter);
      outgoing.headers = headers;
    } else {
      const headers = new Headers(init?.headers);
      tracing.propagator.inject(active, headers, headersSetter);
      outgoing.headers = headers;
    }
    return outgoing;
  };
  /** A hop after a redirect: the context injected if allowed, else every trace header removed. */
  const sendRedirected = (next: HopRequest, propagate: boolean, active: OtelContext, request: Request | undefined, init: RequestInit | undefined) => {
    if (propagate) tracing.propagator.inject(active, next.headers, headersSetter);
    else for (const name of traceHeaders) next.headers.delete(name);
    // The caller's other settings (signal, and workerd's `cf`) go on with every hop.
    const rest: RequestInit = request ? { signal: request.signal } : { ...init };
    return baseFetch(next.url, { ...rest, method: next.method, headers: next.headers, body: next.body, redirect: 'manual' });
  };

  return async function tracedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    // The caller's mode is honoured below; the runtime hands every redirect back ('manual').
    const redirectMode = init?.redirect ?? (input instanceof Request ? input.redirect : 'follow');
    // A Request is copied only when one is passed in: for a URL and init, a second Request
    // (and its body stream) would be pure overhead; only the headers are copied, to inject.
    const request = input instanceof Request ? new Request(input, { ...init, redirect: 'manual' }) : undefined;
    const target = request ? targetOf(request.url) : input instanceof URL ? targetOf(input.href, input) : targetOf(String(input));
    const method = request ? request.method : normalizeMethod(init?.method);
    const parent = activeContext();
    // What the first request sent (a redirect starts from it), then each hop after a redirect.
    let sent: RequestInit | undefined;
    let hop: HopRequest | undefined;

    for (let resendCount = 0; ; resendCount += 1) {
      const startedMillis = Date.now();
      const { urlFull, hostname, port: serverPort, propagate } = hop ? targetOf(hop.url.href, hop.url) : target;
      const hopMethod = hop ? hop.method : method;
      let status = 0;
      let errorType: string | undefined;
      const attributes: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: hopMethod,
        [ATTR_URL_FULL]: urlFull,
        [ATTR_SERVER_ADDRESS]: hostname,
        [ATTR_SERVER_PORT]: serverPort,
        ...spanAttributes,
      };
      if (resendCount > 0) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = resendCount;
      const span = tracing.tracer.startSpan(hopMethod, { kind: SPAN_KIND.CLIENT, attributes }, parent);
      try {
        const active = propagate ? traceApi.setSpan(parent, span) : parent;
        let response: Response;
        if (hop) response = await sendRedirected(hop, propagate, active, request, init);
        else {
          sent = firstInit(init, request, propagate, active);
          response = await (request ? baseFetch(request) : baseFetch(input, sent));
        }
        // Read once: each read of the response's status is a call into the runtime.
        status = response.status;
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (status >= 400) {
          span.setAttribute(ATTR_ERROR_TYPE, String(status));
          span.setStatus({ code: SPAN_STATUS_CODE.ERROR });
        }
        if (redirectMode === 'manual' || !isRedirectStatus(status)) return response;
        if (redirectMode === 'error') {
          await response.body?.cancel();
          throw new TypeError(`fetch: ${hostname} answered ${status} and the redirect mode is "error"`);
        }
        const location = response.headers.get('location');
        if (location === null) return response;
        // Nothing reads a followed redirect's body: let the connection go.
        await response.body?.cancel();
        if (resendCount === REDIRECT_MAX_COUNT) throw new TypeError(`fetch: more than ${REDIRECT_MAX_COUNT} redirects`);
        hop = followRedirect(hop ?? firstHopOf(input, request, method, sent), status, location);
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        errorType = err.name;
        span.recordException(err);
        span.setAttribute(ATTR_ERROR_TYPE, err.name);
        span.setStatus({ code: SPAN_STATUS_CODE.ERROR, message: err.message });
        throw error;
      } finally {
        span.end();
        // `http.client.request.duration` for each request sent, with its span as the exemplar.
        if (tracing.metrics) {
          const attributes: MetricAttributes = { [ATTR_HTTP_REQUEST_METHOD]: hopMethod, [ATTR_SERVER_ADDRESS]: hostname, [ATTR_SERVER_PORT]: serverPort };
          if (status) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
          const failure = status ? errorType : 'network';
          if (failure) attributes[ATTR_ERROR_TYPE] = failure;
          tracing.metrics.recordClient({
            durationSeconds: (Date.now() - startedMillis) / 1000,
            attributes,
            spanContext: span.spanContext(),
            error: status === 0 || status >= 500 || errorType !== undefined,
          });
        }
      }
    }
  };
}

/** The first request as a redirect finds it: what was sent, the context included. */
function firstHopOf(input: RequestInfo | URL, request: Request | undefined, method: string, sent: RequestInit | undefined): HopRequest {
  return {
    url: new URL(request ? request.url : input instanceof URL ? input.href : String(input)),
    method,
    headers: new Headers(request ? request.headers : sent?.headers),
    // A Request's body is a stream, spent by now: fetch could not resend it either (redirect.ts).
    body: request ? request.body : (sent?.body ?? null),
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
