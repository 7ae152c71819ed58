import { countSpans, type DecodeResult, type OtlpResourceSpans, type OtlpSpan, type OtlpTraceRequest, type RejectedSpans } from './otlpTypes.js';

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * The checks both encodings share, on the decoded request: every span has valid (non-zero) ids
 * and a start no later than its end. Spans that fail are left out and counted, and the rest go
 * on (OTLP's partial success); a request with no valid span at all is refused with the first
 * problem.
 */
export function validateTraceRequest(request: OtlpTraceRequest): DecodeResult {
  if (countSpans(request) === 0) return { ok: false, reason: 'the request holds no spans' };
  const rejected = leaveOutSpans(request, spanProblem);
  if (!rejected) return { ok: true, request };
  if (countSpans(request) === 0) return { ok: false, reason: rejected.reason };
  return { ok: true, request, rejected };
}

/**
 * Leaves out, in place, every span `problemOf` names a problem for, and the scopes and resources
 * that empties (the collector gets no scope or resource without spans). Returns how many were
 * left out and the first reason, added to `rejected` when given; undefined when none was.
 */
export function leaveOutSpans(
  request: OtlpTraceRequest,
  problemOf: (span: OtlpSpan, resourceSpans: OtlpResourceSpans) => string | undefined,
  rejected?: RejectedSpans,
): RejectedSpans | undefined {
  let leftOut = 0;
  let firstReason: string | undefined;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      const spans = scopeSpans.spans;
      // A new list only once a span is left out: nearly every batch is valid as sent.
      let kept: OtlpSpan[] | undefined;
      for (const [i, span] of spans.entries()) {
        const problem = problemOf(span, resourceSpans);
        if (!problem) {
          kept?.push(span);
          continue;
        }
        kept ??= spans.slice(0, i);
        firstReason ??= `span ${JSON.stringify(span.name)}: ${problem}`;
        leftOut += 1;
      }
      if (kept) scopeSpans.spans = kept;
    }
  }
  if (firstReason === undefined) return rejected; // Nothing left out.
  for (const resourceSpans of request.resourceSpans) resourceSpans.scopeSpans = resourceSpans.scopeSpans.filter((scopeSpans) => scopeSpans.spans.length > 0);
  request.resourceSpans = request.resourceSpans.filter((resourceSpans) => resourceSpans.scopeSpans.length > 0);
  return rejected ? { count: rejected.count + leftOut, reason: rejected.reason } : { count: leftOut, reason: firstReason };
}

function spanProblem(span: OtlpSpan): string | undefined {
  if (!TRACE_ID.test(span.traceId) || span.traceId === ZERO_TRACE_ID) return 'missing or invalid traceId';
  if (!SPAN_ID.test(span.spanId) || span.spanId === ZERO_SPAN_ID) return 'missing or invalid spanId';
  if (span.parentSpanId && !SPAN_ID.test(span.parentSpanId)) return 'invalid parentSpanId';
  const start = BigInt(span.startTimeUnixNano);
  if (start === 0n) return 'missing startTimeUnixNano';
  if (BigInt(span.endTimeUnixNano) < start) return 'ends before it starts';
  for (const link of span.links) {
    if (!TRACE_ID.test(link.traceId) || !SPAN_ID.test(link.spanId)) return 'a link has an invalid traceId or spanId';
  }
  return undefined;
}
