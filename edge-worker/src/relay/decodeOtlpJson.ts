/**
 * A strict reader for `ExportTraceServiceRequest` in OTLP/JSON: parses, checks every field it
 * relays against its declared type, and rebuilds the request from those fields only (unknown
 * fields are dropped rather than forwarded).
 * @see https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
 */
import {
  InvalidOtlpError,
  MAX_ANY_VALUE_DEPTH,
  MAX_SPAN_KIND,
  otlpDouble,
  type DecodeResult,
  type OtlpAnyValue,
  type OtlpDouble,
  type OtlpEvent,
  type OtlpKeyValue,
  type OtlpLink,
  type OtlpResourceSpans,
  type OtlpScopeSpans,
  type OtlpSpan,
} from './otlpTypes.js';
import { validateTraceRequest } from './validateTraceRequest.js';

type Json = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const HEX_ID = /^[0-9a-fA-F]*$/;
const UINT64 = /^\d{1,20}$/;
const INT64 = /^-?\d{1,19}$/;
const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const DOUBLE_STRING = /^(NaN|-?Infinity|-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)$/;

function fail(path: string, problem: string): never {
  throw new InvalidOtlpError(`${path} ${problem}`);
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'is not an object');
  return value as Json;
}

/** A repeated field: absent means empty. */
function list<T>(value: unknown, path: string, item: (value: unknown, path: string) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(path, 'is not an array');
  return value.map((entry, index) => item(entry, `${path}[${index}]`));
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'is not a string');
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : string(value, path);
}

/** uint32 fields (counts, flags, enums): JSON numbers. */
function uint32(value: unknown, path: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) fail(path, 'is not a uint32');
  return value;
}

/** fixed64 timestamps: a decimal string (or a safe integer), kept as a decimal string. */
function uint64(value: unknown, path: string): string {
  if (value === undefined || value === null) return '0';
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && UINT64.test(value) && BigInt(value) <= MAX_UINT64) return BigInt(value).toString();
  fail(path, 'is not a uint64');
}

/** Trace and span ids are hex in OTLP/JSON (not base64 as in plain proto3 JSON). */
function hexId(value: unknown, path: string, length: number, allowEmpty = false): string {
  const id = value === undefined || value === null ? '' : string(value, path);
  if (allowEmpty && id === '') return '';
  if (id.length !== length || !HEX_ID.test(id)) fail(path, `is not ${length} hex digits`);
  return id.toLowerCase();
}

/** Proto3 JSON's doubles: a number, or a string holding one, "NaN", "Infinity" or "-Infinity". */
function double(value: unknown, path: string): OtlpDouble {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && DOUBLE_STRING.test(value)) return otlpDouble(Number(value));
  return fail(path, 'is not a number');
}

function anyValue(value: unknown, path: string, depth: number): OtlpAnyValue {
  if (depth > MAX_ANY_VALUE_DEPTH) fail(path, `is nested deeper than ${MAX_ANY_VALUE_DEPTH}`);
  if (value === undefined || value === null) return {};
  const json = object(value, path);
  if ('stringValue' in json) return { stringValue: string(json.stringValue, `${path}.stringValue`) };
  if ('boolValue' in json) {
    if (typeof json.boolValue !== 'boolean') fail(`${path}.boolValue`, 'is not a boolean');
    return { boolValue: json.boolValue };
  }
  if ('intValue' in json) {
    const int = json.intValue;
    if (typeof int === 'number' && Number.isSafeInteger(int)) return { intValue: String(int) };
    if (typeof int === 'string' && INT64.test(int) && BigInt.asIntN(64, BigInt(int)) === BigInt(int)) return { intValue: BigInt(int).toString() };
    fail(`${path}.intValue`, 'is not an int64');
  }
  if ('doubleValue' in json) return { doubleValue: double(json.doubleValue, `${path}.doubleValue`) };
  if ('bytesValue' in json) {
    const bytes = string(json.bytesValue, `${path}.bytesValue`);
    if (!BASE64.test(bytes)) fail(`${path}.bytesValue`, 'is not base64');
    return { bytesValue: bytes };
  }
  if ('arrayValue' in json) {
    const array = object(json.arrayValue, `${path}.arrayValue`);
    return { arrayValue: { values: list(array.values, `${path}.arrayValue.values`, (item, itemPath) => anyValue(item, itemPath, depth + 1)) } };
  }
  if ('kvlistValue' in json) {
    const kvlist = object(json.kvlistValue, `${path}.kvlistValue`);
    return { kvlistValue: { values: list(kvlist.values, `${path}.kvlistValue.values`, (item, itemPath) => keyValue(item, itemPath, depth + 1)) } };
  }
  return {};
}

function keyValue(value: unknown, path: string, depth = 0): OtlpKeyValue {
  const json = object(value, path);
  return { key: string(json.key, `${path}.key`), value: anyValue(json.value, `${path}.value`, depth) };
}

const attributes = (value: unknown, path: string) => list(value, path, (item, itemPath) => keyValue(item, itemPath));

function withCount<T extends object>(target: T, key: string, value: unknown, path: string): T {
  const count = uint32(value, path);
  if (count) Object.assign(target, { [key]: count });
  return target;
}

function event(value: unknown, path: string): OtlpEvent {
  const json = object(value, path);
  const decoded: OtlpEvent = {
    timeUnixNano: uint64(json.timeUnixNano, `${path}.timeUnixNano`),
    name: optionalString(json.name, `${path}.name`) ?? '',
    attributes: attributes(json.attributes, `${path}.attributes`),
  };
  return withCount(decoded, 'droppedAttributesCount', json.droppedAttributesCount, `${path}.droppedAttributesCount`);
}

function link(value: unknown, path: string): OtlpLink {
  const json = object(value, path);
  const decoded: OtlpLink = {
    traceId: hexId(json.traceId, `${path}.traceId`, 32),
    spanId: hexId(json.spanId, `${path}.spanId`, 16),
    attributes: attributes(json.attributes, `${path}.attributes`),
  };
  const traceState = optionalString(json.traceState, `${path}.traceState`);
  if (traceState) decoded.traceState = traceState;
  const flags = uint32(json.flags, `${path}.flags`);
  if (flags !== undefined) decoded.flags = flags;
  return withCount(decoded, 'droppedAttributesCount', json.droppedAttributesCount, `${path}.droppedAttributesCount`);
}

function span(value: unknown, path: string): OtlpSpan {
  const json = object(value, path);
  const kind = uint32(json.kind, `${path}.kind`) ?? 0;
  if (kind > MAX_SPAN_KIND) fail(`${path}.kind`, 'is not a span kind');
  const decoded: OtlpSpan = {
    traceId: hexId(json.traceId, `${path}.traceId`, 32),
    spanId: hexId(json.spanId, `${path}.spanId`, 16),
    name: optionalString(json.name, `${path}.name`) ?? '',
    kind,
    startTimeUnixNano: uint64(json.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endTimeUnixNano: uint64(json.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: attributes(json.attributes, `${path}.attributes`),
    events: list(json.events, `${path}.events`, event),
    links: list(json.links, `${path}.links`, link),
  };
  const parentSpanId = hexId(json.parentSpanId, `${path}.parentSpanId`, 16, true);
  if (parentSpanId) decoded.parentSpanId = parentSpanId;
  const traceState = optionalString(json.traceState, `${path}.traceState`);
  if (traceState) decoded.traceState = traceState;
  const flags = uint32(json.flags, `${path}.flags`);
  if (flags !== undefined) decoded.flags = flags;
  if (json.status !== undefined && json.status !== null) {
    const status = object(json.status, `${path}.status`);
    const code = uint32(status.code, `${path}.status.code`) ?? 0;
    const message = optionalString(status.message, `${path}.status.message`);
    decoded.status = message ? { code, message } : { code };
  }
  withCount(decoded, 'droppedAttributesCount', json.droppedAttributesCount, `${path}.droppedAttributesCount`);
  withCount(decoded, 'droppedEventsCount', json.droppedEventsCount, `${path}.droppedEventsCount`);
  return withCount(decoded, 'droppedLinksCount', json.droppedLinksCount, `${path}.droppedLinksCount`);
}

function scopeSpans(value: unknown, path: string): OtlpScopeSpans {
  const json = object(value, path);
  const decoded: OtlpScopeSpans = { spans: list(json.spans, `${path}.spans`, span) };
  if (json.scope !== undefined && json.scope !== null) {
    const scope = object(json.scope, `${path}.scope`);
    const version = optionalString(scope.version, `${path}.scope.version`);
    decoded.scope = { name: optionalString(scope.name, `${path}.scope.name`) ?? '', ...(version ? { version } : {}) };
  }
  const schemaUrl = optionalString(json.schemaUrl, `${path}.schemaUrl`);
  if (schemaUrl) decoded.schemaUrl = schemaUrl;
  return decoded;
}

function resourceSpans(value: unknown, path: string): OtlpResourceSpans {
  const json = object(value, path);
  const resource = json.resource === undefined || json.resource === null ? {} : object(json.resource, `${path}.resource`);
  const decoded: OtlpResourceSpans = {
    resource: withCount(
      { attributes: attributes(resource.attributes, `${path}.resource.attributes`) },
      'droppedAttributesCount',
      resource.droppedAttributesCount,
      `${path}.resource.droppedAttributesCount`,
    ),
    scopeSpans: list(json.scopeSpans, `${path}.scopeSpans`, scopeSpans),
  };
  const schemaUrl = optionalString(json.schemaUrl, `${path}.schemaUrl`);
  if (schemaUrl) decoded.schemaUrl = schemaUrl;
  return decoded;
}

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`; never throws. */
export function decodeOtlpJson(bytes: Uint8Array): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(bytes));
  } catch {
    return { ok: false, reason: 'invalid OTLP JSON: body is not UTF-8 JSON' };
  }
  try {
    const root = object(parsed, 'body');
    return validateTraceRequest({ resourceSpans: list(root.resourceSpans, 'resourceSpans', resourceSpans) });
  } catch (error) {
    if (error instanceof InvalidOtlpError) return { ok: false, reason: `invalid OTLP JSON: ${error.message}` };
    throw error;
  }
}
