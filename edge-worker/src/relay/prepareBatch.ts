/**
 * The relay's pure core: decoded, validated, filtered and clock-corrected OTLP, ready to
 * forward. No I/O, so every guard is testable with plain bytes.
 */
import { correctClockSkew } from './clockSkew.js';
import { decodeOtlpJson } from './decodeOtlpJson.js';
import { decodeOtlpProtobuf } from './decodeOtlpProtobuf.js';
import { filterAttributes, type AttributeFilter } from './filterAttributes.js';
import { countSpans, type OtlpTraceRequest, type RejectedSpans } from './otlpTypes.js';

export type OtlpFormat = 'json' | 'protobuf';

export const OTLP_CONTENT_TYPES: Readonly<Record<string, OtlpFormat>> = {
  'application/json': 'json',
  'application/x-protobuf': 'protobuf',
};

/** The OTLP format of a `Content-Type` header value (parameters such as charset ignored). */
export function otlpFormatOf(contentType: string | null | undefined): OtlpFormat | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return OTLP_CONTENT_TYPES[mediaType];
}

export type PreparedBatch =
  | { ok: true; request: OtlpTraceRequest; spanCount: number; rejected?: RejectedSpans }
  | { ok: false; reason: string };

export interface PrepareOptions {
  filter: AttributeFilter;
  /** Added to every timestamp (see `clockSkewMillis`); 0 leaves them alone. */
  skewMillis: number;
}

/**
 * Decodes and validates a batch, then filters and clock-corrects it for forwarding. Without
 * `options` (a batch that will not be forwarded) it is only decoded and validated: enough to
 * count and answer for its spans.
 */
export function prepareBatch(bytes: Uint8Array, format: OtlpFormat, options?: PrepareOptions): PreparedBatch {
  const decoded = format === 'json' ? decodeOtlpJson(bytes) : decodeOtlpProtobuf(bytes);
  if (!decoded.ok) return decoded;
  if (options) {
    filterAttributes(decoded.request, options.filter);
    correctClockSkew(decoded.request, options.skewMillis);
  }
  return { ...decoded, spanCount: countSpans(decoded.request) };
}
