import { SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Span, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_FETCH_BODY,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '../semconv.js';
import { resourceTimings } from './resourceTimings.js';
import { sharedDeadlines } from './sharedDeadlines.js';
import { watchBody, type BodyOutcome, type BodyWatch } from './watchBody.js';

export interface FetchSpansOptions {
  /** The tracer fetch spans are made with. */
  tracer: Tracer;
  /**
   * URLs of other origins that receive `traceparent`, `tracestate` and `baggage` (the
   * `propagateTo` patterns); the page's own origin always does.
   */
  propagateTo: readonly RegExp[];
  /** Where the SDK posts its spans: those requests are never traced. */
  tracesUrl: string;
  /** How long a body the app never touches may keep its span open; it then ends at the response, `unread`. Default 10 s. */
  unreadBodyTimeoutMillis?: number;
  /** How long an ended span waits for its resource-timing entry before it goes without network events. Default 500 ms. */
  resourceTimingWaitMillis?: number;
}

/** The fetch instrumentation `fetchSpans` installs. */
export interface FetchSpans {
  /** Ends every fetch span still open (bodies still being read as `pending`), so that a page being hidden can send them. */
  flush(): void;
  /** Puts the page's `fetch` back (or, if something wrapped it since, passes every call straight through) and ends what is open. */
  disable(): void;
}

const DEFAULT_UNREAD_BODY_TIMEOUT_MILLIS = 10_000;
const DEFAULT_RESOURCE_TIMING_WAIT_MILLIS = 500;
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };
// https://opentelemetry.io/docs/specs/semconv/http/http-spans/#common-attributes: other methods are `_OTHER`.
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);
// https://fetch.spec.whatwg.org/#null-body-status: no body to wait for (Chromium still hands out an empty stream).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const headerSetter: TextMapSetter<Headers> = { set: (headers, key, value) => headers.set(key, value) };

/**
 * HTTP client spans for every `fetch` of the page, on the stable semantic conventions, with
 * `traceparent`, `tracestate` and the journey's baggage sent to the page's origin and the
 * allow-listed ones only; the SDK's own exports untraced.
 *
 * The SDK's own wrapper of `fetch` rather than @opentelemetry/instrumentation-fetch, which clones
 * every response and reads the clone to its end, and cannot be told not to (no option in 0.300):
 * here the span ends when the app is done with the body it reads itself (`watchBody`), when it
 * cancels it, when reading fails, or, for a body never touched, `unreadBodyTimeoutMillis` after the
 * response, ending at the response; `journeytrace.fetch.body` says which. The URL is parsed once
 * and the trace headers are written in one pass into one copy of the request's headers (the
 * caller's are never changed). Network phases come from one shared resource-timing observer.
 * ERROR with `error.type` for HTTP >= 400 (the status code) and for a fetch or body read that
 * failed (the error's name: `TypeError`, `AbortError`); the app's error is rethrown unchanged.
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span
 */
export function fetchSpans(options: FetchSpansOptions): FetchSpans {
  const { tracer, propagateTo, tracesUrl } = options;
  const nativeFetch = globalThis.fetch;
  const timings = resourceTimings(options.resourceTimingWaitMillis ?? DEFAULT_RESOURCE_TIMING_WAIT_MILLIS);
  const unread = sharedDeadlines(options.unreadBodyTimeoutMillis ?? DEFAULT_UNREAD_BODY_TIMEOUT_MILLIS);
  const open = new Set<BodyWatch>();
  let enabled = true;

  const untraced = (href: string) =>
    href.startsWith(tracesUrl) && (href.length === tracesUrl.length || href[tracesUrl.length] === '?' || href[tracesUrl.length] === '#');
  // Read once: a document's origin never changes (pushState keeps it), and reading location is slow.
  const pageOrigin = globalThis.location?.origin;
  const propagates = (url: URL, href: string) => url.origin === pageOrigin || propagateTo.some((pattern) => pattern.test(href));

  function fetch(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (!enabled) return nativeFetch.call(this, input, init);
    // The span starts when the app called fetch, not after the SDK's own work below (the first
    // call on a page compiles it); the same clock gives its end and matches resource timing.
    const startTime = performance.now();
    const isRequest = input instanceof Request;
    let url: URL;
    try {
      url = new URL(isRequest ? input.url : String(input), globalThis.location?.href);
    } catch {
      return nativeFetch.call(this, input, init); // Not a URL: the browser's own error.
    }
    const href = url.href;
    if (untraced(href)) return nativeFetch.call(this, input, init);

    const parent = context.active();
    const method = init?.method ?? (isRequest ? input.method : 'GET');
    const span = tracer.startSpan(spanName(method), { kind: SpanKind.CLIENT, startTime, attributes: requestAttributes(method, url) }, parent);
    if (propagates(url, href)) {
      try {
        const headers = new Headers(init?.headers ?? (isRequest ? input.headers : undefined));
        propagation.inject(trace.setSpan(parent, span), headers, headerSetter);
        // Object.assign rather than a spread, which bundlers lowering to ES2017 turn into a slow helper.
        init = Object.assign({}, init, { headers });
      } catch {
        // Headers the browser refuses: its own fetch below rejects with its own error.
      }
    }
    // An unsampled session still propagates (flags 00), and records nothing: no watch needed.
    if (!span.isRecording()) return nativeFetch.call(this, input, init);

    return nativeFetch.call(this, input, init).then(
      (response) => {
        try {
          return watchResponse(response);
        } catch {
          span.end(); // Telemetry never breaks the host: the app gets its response, whatever failed here.
          return response;
        }
      },
      (error: unknown) => {
        markFailed(span, error);
        timings.end(span, href, startTime, performance.now());
        throw error;
      },
    );

    function watchResponse(response: Response): Response {
      const responseTime = performance.now();
      if (response.status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.status >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, String(response.status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      let ended = false;
      const watch: BodyWatch = {
        started: false,
        end(outcome: BodyOutcome, error?: unknown) {
          if (ended) return;
          ended = true;
          open.delete(watch);
          span.setAttribute(ATTR_FETCH_BODY, outcome);
          if (outcome === 'error') markFailed(span, error);
          timings.end(span, href, startTime, outcome === 'unread' ? responseTime : performance.now());
        },
      };
      if (!response.body || NULL_BODY_STATUSES.has(response.status) || method.toUpperCase() === 'HEAD') {
        watch.end('none');
        return response;
      }
      open.add(watch);
      unread.add(() => {
        if (!watch.started) watch.end('unread');
      });
      return watchBody(response, watch);
    }
  }

  globalThis.fetch = fetch;
  const flush = () => {
    for (const watch of [...open]) watch.end('pending');
    unread.clear();
    timings.flush();
  };
  return {
    flush,
    disable() {
      enabled = false;
      if (globalThis.fetch === fetch) globalThis.fetch = nativeFetch;
      flush();
      timings.stop();
    },
  };
}

/** The span name: the method, or `HTTP` for one the conventions do not know. */
function spanName(method: string): string {
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : 'HTTP';
}

/** The attributes known before sending, from the one parsed URL. */
function requestAttributes(method: string, url: URL): Attributes {
  const upper = method.toUpperCase();
  const known = KNOWN_METHODS.has(upper);
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: known ? upper : '_OTHER',
    [ATTR_URL_FULL]: url.username || url.password ? withoutCredentials(url) : url.href,
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: Number(url.port) || DEFAULT_PORTS[url.protocol] || 0,
  };
  if (!known) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method;
  return attributes;
}

/** url.full without credentials, as the conventions require (a browser refuses such URLs anyway, and the span says so). */
function withoutCredentials(url: URL): string {
  const copy = new URL(url.href);
  copy.username = 'REDACTED';
  copy.password = 'REDACTED';
  return copy.href;
}

/**
 * Marks a fetch that got no response, or whose body could not be read, ERROR with the error's
 * name as `error.type` (`TypeError` for a network error, `AbortError` for an abort).
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status
 */
function markFailed(span: Span, error: unknown): void {
  const failure = (error ?? {}) as Partial<Error>;
  span.setAttribute(ATTR_ERROR_TYPE, typeof failure.name === 'string' && failure.name ? failure.name : '_OTHER');
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof failure.message === 'string' && failure.message ? failure.message : 'network error' });
}
