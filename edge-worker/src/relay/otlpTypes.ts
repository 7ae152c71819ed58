/**
 * The OTLP trace request as the relay holds it between decoding and forwarding: the OTLP/JSON
 * shape (hex ids, 64-bit numbers as decimal strings), so it can be forwarded as it is.
 * @see https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */

/** A double as proto3 JSON writes it: NaN and ±Infinity as strings (JSON has no such numbers). */
export type OtlpDouble = number | 'NaN' | 'Infinity' | '-Infinity';

/** `value` in the form that survives `JSON.stringify` (which would write NaN and Infinity as null). */
export function otlpDouble(value: number): OtlpDouble {
  return Number.isFinite(value) ? value : (String(value) as 'NaN' | 'Infinity' | '-Infinity');
}

export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: OtlpDouble }
  | { bytesValue: string }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } }
  /** A value that was not set. */
  | Record<string, never>;

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  traceState?: string;
  parentSpanId?: string;
  flags?: number;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events: OtlpEvent[];
  droppedEventsCount?: number;
  links: OtlpLink[];
  droppedLinksCount?: number;
  status?: { code: number; message?: string };
}

export interface OtlpScopeSpans {
  scope?: { name: string; version?: string };
  spans: OtlpSpan[];
  schemaUrl?: string;
}

export interface OtlpResourceSpans {
  resource: { attributes: OtlpKeyValue[]; droppedAttributesCount?: number };
  scopeSpans: OtlpScopeSpans[];
  schemaUrl?: string;
}

export interface OtlpTraceRequest {
  resourceSpans: OtlpResourceSpans[];
}

/**
 * A decoder's answer: the request, or a one-line reason it is not valid OTLP. Spans that fail validation in a request that
 * also holds valid ones are left out and counted (`rejected`): OTLP's partial success.
 */
export type DecodeResult = { ok: true; request: OtlpTraceRequest; rejected?: RejectedSpans } | { ok: false; reason: string };

/** Spans left out of a request, and why the first of them was. */
export interface RejectedSpans {
  count: number;
  reason: string;
}

/** Thrown inside the decoders and turned into `{ ok: false, reason }` at their boundary. */
export class InvalidOtlpError extends Error {
  override readonly name = 'InvalidOtlpError';
}

/** The deepest nesting of array/kvlist values accepted (bounds recursion on hostile input). */
export const MAX_ANY_VALUE_DEPTH = 16;

/** OTLP span kinds: UNSPECIFIED (0) to CONSUMER (5). */
export const MAX_SPAN_KIND = 5;

export function countSpans(request: OtlpTraceRequest): number {
  let count = 0;
  for (const resourceSpans of request.resourceSpans) for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
  return count;
}
