import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * Encodes spans as an OTLP/JSON `ExportTraceServiceRequest`
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): ids as hex, times as
 * decimal nanosecond strings, enums as numbers. Hand-written because the stock serializer
 * brings protobuf code the browser never uses.
 */
export function encodeTraces(spans: readonly ReadableSpan[]): string {
  const byResource = new Map<ReadableSpan['resource'], Map<string, { scope: ReadableSpan['instrumentationScope']; spans: ReadableSpan[] }>>();
  for (const span of spans) {
    let scopes = byResource.get(span.resource);
    if (!scopes) {
      scopes = new Map();
      byResource.set(span.resource, scopes);
    }
    const scopeKey = `${span.instrumentationScope.name}@${span.instrumentationScope.version || ''}`;
    const group = scopes.get(scopeKey);
    if (group) group.spans.push(span);
    else scopes.set(scopeKey, { scope: span.instrumentationScope, spans: [span] });
  }
  const resourceSpans = [...byResource].map(([resource, scopes]) => ({
    resource: { attributes: keyValues(resource.attributes) },
    scopeSpans: [...scopes.values()].map(({ scope: { name, version }, spans: list }) => ({ scope: { name, version }, spans: list.map(encodeSpan) })),
  }));
  return JSON.stringify({ resourceSpans });
}

function encodeSpan(span: ReadableSpan) {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    traceState: context.traceState?.serialize(),
    flags: context.traceFlags,
    name: span.name,
    // OTLP counts from SPAN_KIND_UNSPECIFIED = 0; the API's INTERNAL is 0.
    kind: span.kind + 1,
    startTimeUnixNano: nanos(span.startTime),
    endTimeUnixNano: nanos(span.endTime),
    attributes: keyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    // Absent counts and attributes are left out: OTLP's default is 0 and none.
    events: span.events.map((event) => ({
      timeUnixNano: nanos(event.time),
      name: event.name,
      attributes: keyValues(event.attributes),
      droppedAttributesCount: event.droppedAttributesCount,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: keyValues(link.attributes),
      droppedAttributesCount: link.droppedAttributesCount,
    })),
    droppedLinksCount: span.droppedLinksCount,
    status: span.status, // { code, message }, as OTLP has it.
  };
}

/**
 * [seconds, nanoseconds] as a decimal string, exact (a number would lose precision past 2^53).
 * Carries nanoseconds of a second or more (the SDK's millisToHrTime can round up to 1e9).
 */
export function nanos([seconds, nanoseconds]: HrTime): string {
  const carry = Math.floor(nanoseconds / 1e9);
  const rest = Math.round(nanoseconds - carry * 1e9);
  const whole = seconds + carry;
  return whole > 0 ? whole + String(rest).padStart(9, '0') : String(rest);
}

function keyValues(attributes: Attributes = {}) {
  const list: Array<{ key: string; value: ReturnType<typeof anyValue> }> = [];
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    if (value != null) list.push({ key, value: anyValue(value) });
  }
  return list;
}

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' }
  | { arrayValue: { values: AnyValue[] } };

function anyValue(value: AttributeValue | null | undefined): AnyValue {
  if (Array.isArray(value)) return { arrayValue: { values: (value as Array<AttributeValue | null | undefined>).map(anyValue) } };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    // An int64 only while exact; past 2^53 String() may write an exponent no int64 parser takes.
    if (Number.isSafeInteger(value)) return { intValue: String(value) };
    // JSON has no NaN or Infinity (JSON.stringify writes null, which OTLP refuses): proto3 JSON's strings.
    return { doubleValue: Number.isFinite(value) ? value : (String(value) as 'NaN' | 'Infinity' | '-Infinity') };
  }
  return { stringValue: value == null ? '' : String(value) };
}
