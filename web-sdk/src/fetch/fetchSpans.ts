import { SpanStatusCode } from '@opentelemetry/api';
import { FetchInstrumentation, type FetchCustomAttributeFunction } from '@opentelemetry/instrumentation-fetch';
import { escapeRegExp } from '../propagation/originPattern.js';
import { ATTR_ERROR_TYPE } from '../semconv.js';

export interface FetchSpansOptions {
  /**
   * URLs of other origins that receive `traceparent`, `tracestate` and `baggage`; the page's own
   * origin always does (instrumentation-fetch's same-origin rule).
   */
  propagateTo: RegExp[];
  /** Where the SDK posts its spans: those requests are never traced. */
  tracesUrl: string;
}

/**
 * Fetch spans from @opentelemetry/instrumentation-fetch (HTTP client spans on the stable
 * semantic conventions, resource timing as events, HTTP >= 400 as ERROR), configured for
 * journeys: trace headers to allow-listed origins only, the SDK's own exports untraced, and
 * failed fetches as ERROR too. It patches `fetch` as it is constructed.
 */
export function fetchSpans(options: FetchSpansOptions): FetchInstrumentation {
  return new FetchInstrumentation({
    propagateTraceHeaderCorsUrls: options.propagateTo,
    // A backstop: the exporter posts with the fetch taken before this patched it. A RegExp, as a
    // string must equal the whole URL (with any query string).
    ignoreUrls: [new RegExp(`^${escapeRegExp(options.tracesUrl)}(?:[?#]|$)`)],
    applyCustomAttributesOnSpan: markFailedFetch,
  });
}

/**
 * Marks a fetch that got no response (network error, abort, body read failure) ERROR, with the
 * error's name as `error.type`: the stock instrumentation does so for HTTP >= 400 only.
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status
 */
export const markFailedFetch: FetchCustomAttributeFunction = (span, _request, result) => {
  if (result instanceof Response && result.type !== 'error') return;
  const error = result as Partial<Error>;
  span.setAttribute(ATTR_ERROR_TYPE, error.name || '_OTHER');
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message || 'network error' });
};
