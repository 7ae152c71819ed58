/**
 * The relay's pure core: decoded, validated, filtered, pinned to browser services,
 * clock-corrected and time-bounded OTLP, ready to forward. No I/O, so every guard is testable
 * with plain bytes.
 */
import { boundSpanTimes, type SpanTimeBounds } from './boundSpanTimes.js';
import { correctClockSkew } from './clockSkew.js';
import { decodeOtlpJson } from './decodeOtlpJson.js';
import { decodeOtlpProtobuf } from './decodeOtlpProtobuf.js';
import { filterAttributes, type AttributeFilter } from './filterAttributes.js';
import { countSpans, type OtlpTraceRequest, type RejectedSpans } from './otlpTypes.js';
import { pinBrowserResources } from './pinBrowserResources.js';
import { leaveOutSpans } from './validateTraceRequest.js';

export type OtlpFormat = 'json' | 'protobuf';

export const OTLP_CONTENT_TYPES: Readonly<Record<string, OtlpFormat>> = {
  'application/json': 'json',
  'application/x-protobuf': 'protobuf',
};

/** The OTLP format of a `Content-Type` header value (parameters such as charset ignored). */
export function otlpFormatOf(contentType: string | null | undefined): OtlpFormat | undefined {
  const [mediaType = ''] = (contentType ?? '').split(';');
  return OTLP_CONTENT_TYPES[mediaType.trim().toLowerCase()];
}

export type PreparedBatch = { ok: true; request: OtlpTraceRequest; spanCount: number; rejected?: RejectedSpans } | { ok: false; reason: string };

export interface PrepareOptions {
  filter: AttributeFilter;
  /** The browser `service.name`s accepted; other resources are left out. */
  serviceNames: ReadonlySet<string>;
  /** Spans after the first this many are left out. */
  maxSpansPerBatch: number;
  /** Added to every timestamp (see `clockSkewMillis`); 0 leaves them alone. */
  skewMillis: number;
  /** The edge's clock at receipt (epoch ms): the time window is judged against it. */
  receivedAtMillis: number;
  timeBounds?: SpanTimeBounds;
}

/**
 * Decodes and validates a batch, then gets it ready for forwarding: at most `maxSpansPerBatch`
 * spans; attributes filtered, redacted and limited; only accepted browser services, each
 * marked relayed; timestamps clock-corrected, and then validated again and bounded (a
 * correction must not turn a valid span into an invalid one). Spans left out on the way are
 * counted in `rejected`; a batch left with none is refused with the first reason.
 * Without `options` (a batch that will not be forwarded) it is only decoded and validated:
 * enough to count and answer for its spans.
 */
export function prepareBatch(bytes: Uint8Array, format: OtlpFormat, options?: PrepareOptions): PreparedBatch {
  const decoded = format === 'json' ? decodeOtlpJson(bytes) : decodeOtlpProtobuf(bytes);
  if (!decoded.ok) return decoded;
  if (!options) return { ...decoded, spanCount: countSpans(decoded.request) };
  const request = decoded.request;
  let spansSeen = 0;
  const overBatchLimit = `the batch holds more than ${options.maxSpansPerBatch} spans`;
  let rejected = leaveOutSpans(request, () => (++spansSeen > options.maxSpansPerBatch ? overBatchLimit : undefined), decoded.rejected);
  // Room within the count limit for what the relay adds: journeytrace.relayed on each resource,
  // journeytrace.clock_skew_ms on each corrected span.
  filterAttributes(request, { ...options.filter, reserved: { resource: 1, span: options.skewMillis === 0 ? 0 : 1 } });
  rejected = pinBrowserResources(request, options.serviceNames, rejected);
  correctClockSkew(request, options.skewMillis);
  rejected = boundSpanTimes(request, options.receivedAtMillis, options.timeBounds, rejected);
  const spanCount = countSpans(request);
  if (spanCount === 0) return { ok: false, reason: rejected?.reason ?? 'the request holds no spans' };
  return rejected ? { ok: true, request, spanCount, rejected } : { ok: true, request, spanCount };
}
