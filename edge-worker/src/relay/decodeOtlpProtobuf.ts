/**
 * A strict decoder for `ExportTraceServiceRequest` in protobuf (OTLP/HTTP `application/x-protobuf`).
 * @opentelemetry/otlp-transformer only serializes; the relay must read what browsers send
 * before it forwards anything, so this reads the handful of messages a trace request holds.
 *
 * Strict means: every known field must have its declared wire type, lengths must stay inside
 * their message, ids must have their exact byte length, strings must be UTF-8, groups and
 * reserved wire types are refused. Unknown fields with a valid wire type are skipped, as
 * proto3 requires of readers.
 * @see https://github.com/open-telemetry/opentelemetry-proto/blob/v1.5.0/opentelemetry/proto/trace/v1/trace.proto
 */
import {
  InvalidOtlpError,
  MAX_ANY_VALUE_DEPTH,
  MAX_SPAN_KIND,
  otlpDouble,
  type DecodeResult,
  type OtlpAnyValue,
  type OtlpEvent,
  type OtlpKeyValue,
  type OtlpLink,
  type OtlpResourceSpans,
  type OtlpScopeSpans,
  type OtlpSpan,
} from './otlpTypes.js';
import { validateTraceRequest } from './validateTraceRequest.js';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads one message's bytes; nested messages get their own reader over a sub-range. */
class ProtobufReader {
  private _pos: number;
  private readonly _view: DataView;

  constructor(
    private readonly _bytes: Uint8Array,
    private readonly _end = _bytes.length,
    start = 0,
  ) {
    this._pos = start;
    this._view = new DataView(_bytes.buffer, _bytes.byteOffset, _bytes.byteLength);
  }

  get atEnd(): boolean {
    return this._pos >= this._end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wireType: number } {
    const key = this.uint();
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0 || field > 536_870_911) throw new InvalidOtlpError(`invalid field number ${field}`);
    return { field, wireType };
  }

  /**
   * A varint as a plain number, for tags, lengths, counts and enums (no BigInt on the hot
   * path). Values past 2^53 lose precision, but every caller range-checks far below that.
   */
  uint(): number {
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < 10; i++) {
      if (this._pos >= this._end) throw new InvalidOtlpError('truncated varint');
      // biome-ignore lint/style/noNonNullAssertion: in bounds, checked against _end on the line above (the decoder's hot loop).
      const byte = this._bytes[this._pos++]!;
      result += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return result;
      multiplier *= 128;
    }
    throw new InvalidOtlpError('varint longer than 10 bytes');
  }

  /** A full 64-bit varint (int64 attribute values). */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this._pos >= this._end) throw new InvalidOtlpError('truncated varint');
      // biome-ignore lint/style/noNonNullAssertion: in bounds, checked against _end on the line above (the decoder's hot loop).
      const byte = this._bytes[this._pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result & 0xffff_ffff_ffff_ffffn;
    }
    throw new InvalidOtlpError('varint longer than 10 bytes');
  }

  uint32(): number {
    const value = this.uint();
    if (value > 0xffff_ffff) throw new InvalidOtlpError('uint32 out of range');
    return value;
  }

  fixed64(): bigint {
    this._need(8);
    const value = this._view.getBigUint64(this._pos, true);
    this._pos += 8;
    return value;
  }

  double(): number {
    this._need(8);
    const value = this._view.getFloat64(this._pos, true);
    this._pos += 8;
    return value;
  }

  fixed32(): number {
    this._need(4);
    const value = this._view.getUint32(this._pos, true);
    this._pos += 4;
    return value;
  }

  /** A length-delimited field as a reader over its bytes. */
  message(): ProtobufReader {
    const length = this._length();
    const reader = new ProtobufReader(this._bytes, this._pos + length, this._pos);
    this._pos += length;
    return reader;
  }

  bytes(): Uint8Array {
    const length = this._length();
    const bytes = this._bytes.subarray(this._pos, this._pos + length);
    this._pos += length;
    return bytes;
  }

  string(): string {
    try {
      return utf8.decode(this.bytes());
    } catch (error) {
      if (error instanceof InvalidOtlpError) throw error;
      throw new InvalidOtlpError('string is not UTF-8');
    }
  }

  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.uint();
        return;
      case FIXED64:
        this._need(8);
        this._pos += 8;
        return;
      case LENGTH_DELIMITED:
        this._pos += this._length();
        return;
      case FIXED32:
        this._need(4);
        this._pos += 4;
        return;
      default:
        throw new InvalidOtlpError(`unsupported wire type ${wireType}`);
    }
  }

  private _length(): number {
    const length = this.uint();
    if (length > this._end - this._pos) throw new InvalidOtlpError('length runs past the end of its message');
    return length;
  }

  private _need(count: number): void {
    if (this._pos + count > this._end) throw new InvalidOtlpError('truncated fixed-width field');
  }
}

/** Reads a message field by field; `onField` returns false for fields it does not know. */
function readFields(reader: ProtobufReader, onField: (field: number, wireType: number) => boolean): void {
  while (!reader.atEnd) {
    const { field, wireType } = reader.tag();
    if (!onField(field, wireType)) reader.skip(wireType);
  }
}

function expectWireType(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new InvalidOtlpError(`${what} has wire type ${actual}, expected ${expected}`);
}

const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

function hex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += HEX_BYTE[byte];
  return text;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Reads an id field; `allowEmpty` for the optional parent span id. */
function id(reader: ProtobufReader, length: number, what: string, allowEmpty = false): string {
  const bytes = reader.bytes();
  if (allowEmpty && bytes.length === 0) return '';
  if (bytes.length !== length) throw new InvalidOtlpError(`${what} has ${bytes.length} bytes, expected ${length}`);
  return hex(bytes);
}

function anyValue(reader: ProtobufReader, depth: number): OtlpAnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new InvalidOtlpError(`attribute values nested deeper than ${MAX_ANY_VALUE_DEPTH}`);
  let value: OtlpAnyValue = {};
  readFields(reader, (field, wireType) => {
    switch (field) {
      case 1:
        expectWireType(wireType, LENGTH_DELIMITED, 'AnyValue.string_value');
        value = { stringValue: reader.string() };
        return true;
      case 2:
        expectWireType(wireType, VARINT, 'AnyValue.bool_value');
        value = { boolValue: reader.uint() !== 0 };
        return true;
      case 3:
        expectWireType(wireType, VARINT, 'AnyValue.int_value');
        value = { intValue: BigInt.asIntN(64, reader.varint()).toString() };
        return true;
      case 4:
        expectWireType(wireType, FIXED64, 'AnyValue.double_value');
        value = { doubleValue: otlpDouble(reader.double()) };
        return true;
      case 5: {
        expectWireType(wireType, LENGTH_DELIMITED, 'AnyValue.array_value');
        const values: OtlpAnyValue[] = [];
        const array = reader.message();
        readFields(array, (arrayField, arrayWireType) => {
          if (arrayField !== 1) return false;
          expectWireType(arrayWireType, LENGTH_DELIMITED, 'ArrayValue.values');
          values.push(anyValue(array.message(), depth + 1));
          return true;
        });
        value = { arrayValue: { values } };
        return true;
      }
      case 6: {
        expectWireType(wireType, LENGTH_DELIMITED, 'AnyValue.kvlist_value');
        const values: OtlpKeyValue[] = [];
        const list = reader.message();
        readFields(list, (listField, listWireType) => {
          if (listField !== 1) return false;
          expectWireType(listWireType, LENGTH_DELIMITED, 'KeyValueList.values');
          values.push(keyValue(list.message(), depth + 1));
          return true;
        });
        value = { kvlistValue: { values } };
        return true;
      }
      case 7:
        expectWireType(wireType, LENGTH_DELIMITED, 'AnyValue.bytes_value');
        value = { bytesValue: base64(reader.bytes()) };
        return true;
      default:
        return false;
    }
  });
  return value;
}

function keyValue(reader: ProtobufReader, depth = 0): OtlpKeyValue {
  let key = '';
  let value: OtlpAnyValue = {};
  readFields(reader, (field, wireType) => {
    if (field === 1) {
      expectWireType(wireType, LENGTH_DELIMITED, 'KeyValue.key');
      key = reader.string();
    } else if (field === 2) {
      expectWireType(wireType, LENGTH_DELIMITED, 'KeyValue.value');
      value = anyValue(reader.message(), depth);
    } else return false;
    return true;
  });
  return { key, value };
}

function attribute(reader: ProtobufReader, wireType: number, into: OtlpKeyValue[], what: string): true {
  expectWireType(wireType, LENGTH_DELIMITED, what);
  into.push(keyValue(reader.message()));
  return true;
}

function count(reader: ProtobufReader, wireType: number, what: string): number {
  expectWireType(wireType, VARINT, what);
  return reader.uint32();
}

/** Counts are left out when zero, as in OTLP/JSON, so both decoders give the same shape. */
function setCount<T extends object>(target: T, key: string, value: number): void {
  if (value) Object.assign(target, { [key]: value });
}

function event(reader: ProtobufReader): OtlpEvent {
  const decoded: OtlpEvent = { timeUnixNano: '0', name: '', attributes: [] };
  readFields(reader, (field, wireType) => {
    switch (field) {
      case 1:
        expectWireType(wireType, FIXED64, 'Event.time_unix_nano');
        decoded.timeUnixNano = reader.fixed64().toString();
        return true;
      case 2:
        expectWireType(wireType, LENGTH_DELIMITED, 'Event.name');
        decoded.name = reader.string();
        return true;
      case 3:
        return attribute(reader, wireType, decoded.attributes, 'Event.attributes');
      case 4:
        setCount(decoded, 'droppedAttributesCount', count(reader, wireType, 'Event.dropped_attributes_count'));
        return true;
      default:
        return false;
    }
  });
  return decoded;
}

function link(reader: ProtobufReader): OtlpLink {
  const decoded: OtlpLink = { traceId: '', spanId: '', attributes: [] };
  readFields(reader, (field, wireType) => {
    switch (field) {
      case 1:
        expectWireType(wireType, LENGTH_DELIMITED, 'Link.trace_id');
        decoded.traceId = id(reader, 16, 'Link.trace_id');
        return true;
      case 2:
        expectWireType(wireType, LENGTH_DELIMITED, 'Link.span_id');
        decoded.spanId = id(reader, 8, 'Link.span_id');
        return true;
      case 3:
        expectWireType(wireType, LENGTH_DELIMITED, 'Link.trace_state');
        decoded.traceState = reader.string();
        return true;
      case 4:
        return attribute(reader, wireType, decoded.attributes, 'Link.attributes');
      case 5:
        setCount(decoded, 'droppedAttributesCount', count(reader, wireType, 'Link.dropped_attributes_count'));
        return true;
      case 6:
        expectWireType(wireType, FIXED32, 'Link.flags');
        decoded.flags = reader.fixed32();
        return true;
      default:
        return false;
    }
  });
  return decoded;
}

function status(reader: ProtobufReader): { code: number; message?: string } {
  const decoded: { code: number; message?: string } = { code: 0 };
  readFields(reader, (field, wireType) => {
    if (field === 2) {
      expectWireType(wireType, LENGTH_DELIMITED, 'Status.message');
      decoded.message = reader.string();
    } else if (field === 3) {
      decoded.code = count(reader, wireType, 'Status.code');
    } else return false;
    return true;
  });
  return decoded;
}

function span(reader: ProtobufReader): OtlpSpan {
  const decoded: OtlpSpan = {
    traceId: '',
    spanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: [],
    events: [],
    links: [],
  };
  readFields(reader, (field, wireType) => {
    switch (field) {
      case 1:
        expectWireType(wireType, LENGTH_DELIMITED, 'Span.trace_id');
        decoded.traceId = id(reader, 16, 'Span.trace_id');
        return true;
      case 2:
        expectWireType(wireType, LENGTH_DELIMITED, 'Span.span_id');
        decoded.spanId = id(reader, 8, 'Span.span_id');
        return true;
      case 3:
        expectWireType(wireType, LENGTH_DELIMITED, 'Span.trace_state');
        decoded.traceState = reader.string();
        return true;
      case 4:
        expectWireType(wireType, LENGTH_DELIMITED, 'Span.parent_span_id');
        decoded.parentSpanId = id(reader, 8, 'Span.parent_span_id', true);
        return true;
      case 5:
        expectWireType(wireType, LENGTH_DELIMITED, 'Span.name');
        decoded.name = reader.string();
        return true;
      case 6:
        decoded.kind = count(reader, wireType, 'Span.kind');
        if (decoded.kind > MAX_SPAN_KIND) throw new InvalidOtlpError(`Span.kind ${decoded.kind} is not a span kind`);
        return true;
      case 7:
        expectWireType(wireType, FIXED64, 'Span.start_time_unix_nano');
        decoded.startTimeUnixNano = reader.fixed64().toString();
        return true;
      case 8:
        expectWireType(wireType, FIXED64, 'Span.end_time_unix_nano');
        decoded.endTimeUnixNano = reader.fixed64().toString();
        return true;
      case 9:
        return attribute(reader, wireType, decoded.attributes, 'Span.attributes');
      case 10:
        setCount(decoded, 'droppedAttributesCount', count(reader, wireType, 'Span.dropped_attributes_count'));
        return true;
      case 11:
        expectWireType(wireType, LENGTH_DELIMITED, 'Span.events');
        decoded.events.push(event(reader.message()));
        return true;
      case 12:
        setCount(decoded, 'droppedEventsCount', count(reader, wireType, 'Span.dropped_events_count'));
        return true;
      case 13:
        expectWireType(wireType, LENGTH_DELIMITED, 'Span.links');
        decoded.links.push(link(reader.message()));
        return true;
      case 14:
        setCount(decoded, 'droppedLinksCount', count(reader, wireType, 'Span.dropped_links_count'));
        return true;
      case 15:
        expectWireType(wireType, LENGTH_DELIMITED, 'Span.status');
        decoded.status = status(reader.message());
        return true;
      case 16:
        expectWireType(wireType, FIXED32, 'Span.flags');
        decoded.flags = reader.fixed32();
        return true;
      default:
        return false;
    }
  });
  return decoded;
}

function scopeSpans(reader: ProtobufReader): OtlpScopeSpans {
  const decoded: OtlpScopeSpans = { spans: [] };
  readFields(reader, (field, wireType) => {
    switch (field) {
      case 1: {
        expectWireType(wireType, LENGTH_DELIMITED, 'ScopeSpans.scope');
        const scope: { name: string; version?: string } = { name: '' };
        const scopeReader = reader.message();
        readFields(scopeReader, (scopeField, scopeWireType) => {
          if (scopeField === 1) {
            expectWireType(scopeWireType, LENGTH_DELIMITED, 'InstrumentationScope.name');
            scope.name = scopeReader.string();
          } else if (scopeField === 2) {
            expectWireType(scopeWireType, LENGTH_DELIMITED, 'InstrumentationScope.version');
            scope.version = scopeReader.string();
          } else return false; // Scope attributes are not relayed.
          return true;
        });
        decoded.scope = scope;
        return true;
      }
      case 2:
        expectWireType(wireType, LENGTH_DELIMITED, 'ScopeSpans.spans');
        decoded.spans.push(span(reader.message()));
        return true;
      case 3:
        expectWireType(wireType, LENGTH_DELIMITED, 'ScopeSpans.schema_url');
        decoded.schemaUrl = reader.string();
        return true;
      default:
        return false;
    }
  });
  return decoded;
}

function resourceSpans(reader: ProtobufReader): OtlpResourceSpans {
  const decoded: OtlpResourceSpans = { resource: { attributes: [] }, scopeSpans: [] };
  readFields(reader, (field, wireType) => {
    switch (field) {
      case 1: {
        expectWireType(wireType, LENGTH_DELIMITED, 'ResourceSpans.resource');
        const resource = reader.message();
        readFields(resource, (resourceField, resourceWireType) => {
          if (resourceField === 1) return attribute(resource, resourceWireType, decoded.resource.attributes, 'Resource.attributes');
          if (resourceField === 2) {
            setCount(decoded.resource, 'droppedAttributesCount', count(resource, resourceWireType, 'Resource.dropped_attributes_count'));
            return true;
          }
          return false;
        });
        return true;
      }
      case 2:
        expectWireType(wireType, LENGTH_DELIMITED, 'ResourceSpans.scope_spans');
        decoded.scopeSpans.push(scopeSpans(reader.message()));
        return true;
      case 3:
        expectWireType(wireType, LENGTH_DELIMITED, 'ResourceSpans.schema_url');
        decoded.schemaUrl = reader.string();
        return true;
      default:
        return false;
    }
  });
  return decoded;
}

/** Decodes an OTLP/protobuf `ExportTraceServiceRequest`; never throws. */
export function decodeOtlpProtobuf(bytes: Uint8Array): DecodeResult {
  try {
    const reader = new ProtobufReader(bytes);
    const decoded: OtlpResourceSpans[] = [];
    readFields(reader, (field, wireType) => {
      if (field !== 1) return false;
      expectWireType(wireType, LENGTH_DELIMITED, 'ExportTraceServiceRequest.resource_spans');
      decoded.push(resourceSpans(reader.message()));
      return true;
    });
    return validateTraceRequest({ resourceSpans: decoded });
  } catch (error) {
    if (error instanceof InvalidOtlpError) return { ok: false, reason: `invalid OTLP protobuf: ${error.message}` };
    throw error;
  }
}
