import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeOtlpJson } from './decodeOtlpJson.js';
import { decodeOtlpProtobuf } from './decodeOtlpProtobuf.js';
import type { OtlpTraceRequest } from './otlpTypes.js';
import { browserSpans, jsonBody, protobufBody } from '@journeytrace/tooling/fixtures/testSpans.js';

const spans = await browserSpans();
const protobuf = protobufBody(spans);
const json = jsonBody(spans);

function decoded(result: ReturnType<typeof decodeOtlpJson>): OtlpTraceRequest {
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.request;
}

function reason(result: ReturnType<typeof decodeOtlpJson>): string {
  assert.equal(result.ok, false, 'expected a rejection');
  return result.ok ? '' : result.reason;
}

describe('decodeOtlpProtobuf', () => {
  it('reads what otlp-transformer ProtobufTraceSerializer writes, field by field', () => {
    const request = decoded(decodeOtlpProtobuf(protobuf));
    assert.equal(request.resourceSpans.length, 1);
    const resource = request.resourceSpans[0]!;
    assert.deepEqual(resource.resource.attributes.find((a) => a.key === 'service.name')?.value, { stringValue: 'shop-web' });
    const scope = resource.scopeSpans[0]!;
    assert.deepEqual(scope.scope, { name: 'journeytrace-test', version: '1.2.3' });
    const fetchSpan = scope.spans.find((span) => span.name === 'HTTP POST')!;
    const step = scope.spans.find((span) => span.name === 'checkout')!;
    const original = spans.find((span) => span.name === 'HTTP POST')!;
    assert.equal(fetchSpan.traceId, original.spanContext().traceId);
    assert.equal(fetchSpan.spanId, original.spanContext().spanId);
    assert.equal(fetchSpan.parentSpanId, step.spanId);
    assert.equal(fetchSpan.kind, 3); // OTLP CLIENT
    assert.equal(fetchSpan.startTimeUnixNano, '1700000000005000000');
    assert.equal(fetchSpan.endTimeUnixNano, '1700000000050000000');
    const attribute = (key: string) => fetchSpan.attributes.find((a) => a.key === key)?.value;
    assert.deepEqual(attribute('http.response.status_code'), { intValue: '502' });
    assert.deepEqual(attribute('http.big'), { intValue: '-9007199254740991' });
    assert.deepEqual(attribute('http.response_content_length'), { doubleValue: 1.5 });
    assert.deepEqual(attribute('http.retried'), { boolValue: true });
    assert.deepEqual(attribute('http.tags'), { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } });
    assert.deepEqual(
      fetchSpan.events.map((event) => [event.name, event.timeUnixNano]),
      [['responseEnd', '1700000000040000000']],
    );
    assert.deepEqual(
      fetchSpan.links.map((link) => link.spanId),
      [step.spanId],
    );
    assert.deepEqual(fetchSpan.status, { code: 2, message: 'bad gateway' });
  });

  it('gives the same request as the JSON decoder for the same spans', () => {
    assert.deepEqual(decoded(decodeOtlpProtobuf(protobuf)), decoded(decodeOtlpJson(json)));
  });

  const hostile: Array<[string, Uint8Array, RegExp]> = [
    ['empty body', new Uint8Array(), /no spans/],
    ['garbage', new TextEncoder().encode('GET / HTTP/1.1\r\nhello'), /invalid OTLP protobuf/],
    ['truncated by one byte', protobuf.subarray(0, protobuf.length - 1), /invalid OTLP protobuf/],
    ['truncated in half', protobuf.subarray(0, protobuf.length >> 1), /invalid OTLP protobuf/],
    ['a group wire type', Uint8Array.of(0x0b), /wire type 3/],
    ['resource_spans as a varint', Uint8Array.of(0x08, 0x01), /resource_spans has wire type 0/],
    ['a length past the end', Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f), /past the end/],
    ['an endless varint', Uint8Array.of(0x0a, ...new Array(11).fill(0xff)), /varint/],
    ['field number 0', Uint8Array.of(0x02, 0x00), /field number 0/],
  ];
  for (const [name, bytes, expected] of hostile) {
    it(`rejects ${name} with a one-line reason`, () => {
      const message = reason(decodeOtlpProtobuf(bytes));
      assert.match(message, expected);
      assert.doesNotMatch(message, /\n/);
    });
  }

  it('rejects a trace id of the wrong length, a zero span id and a bad span kind', () => {
    // ExportTraceServiceRequest{ resource_spans{ scope_spans{ spans{ ... } } } } built by hand.
    const message = (field: number, body: number[]) => [(field << 3) | 2, body.length, ...body];
    const request = (span: number[]) => Uint8Array.from(message(1, message(2, message(2, span))));
    const traceId = message(1, new Array(16).fill(1));
    const spanId = message(2, new Array(8).fill(2));
    const times = [0x39, ...new Array(8).fill(1), 0x41, ...new Array(8).fill(1)];
    assert.ok(decodeOtlpProtobuf(request([...traceId, ...spanId, ...times])).ok);
    assert.match(reason(decodeOtlpProtobuf(request([...message(1, [1, 2, 3]), ...spanId, ...times]))), /trace_id has 3 bytes/);
    assert.match(reason(decodeOtlpProtobuf(request([...traceId, ...message(2, new Array(8).fill(0)), ...times]))), /invalid spanId/);
    assert.match(reason(decodeOtlpProtobuf(request([...traceId, ...spanId, ...times, 0x30, 9]))), /kind 9/);
    assert.match(reason(decodeOtlpProtobuf(request([...traceId, ...spanId]))), /startTimeUnixNano/);
    assert.match(reason(decodeOtlpProtobuf(request([...traceId, ...spanId, ...times, ...message(5, [0xff, 0xfe])]))), /UTF-8/);
  });

  it('keeps NaN and Infinity doubles forwardable as OTLP/JSON (proto3 JSON strings, not null)', () => {
    const anyDouble = (value: number) => {
      const bytes = new Uint8Array(9);
      bytes[0] = 0x21; // AnyValue.double_value, fixed64
      new DataView(bytes.buffer).setFloat64(1, value, true);
      return [...bytes];
    };
    const keyValue = (key: number, value: number[]) => [0x0a, 1, key, 0x12, value.length, ...value];
    const attributes = [keyValue(0x61, anyDouble(NaN)), keyValue(0x62, anyDouble(-Infinity)), keyValue(0x63, anyDouble(0.5))];
    const resource = attributes.flatMap((attribute) => [0x0a, attribute.length, ...attribute]);
    const spanIds = [0x0a, 16, ...new Array(16).fill(1), 0x12, 8, ...new Array(8).fill(2)];
    const span = [...spanIds, 0x39, ...new Array(8).fill(1), 0x41, ...new Array(8).fill(1)];
    const scopeSpans = [0x12, span.length, ...span];
    const resourceSpans = [0x0a, resource.length, ...resource, 0x12, scopeSpans.length, ...scopeSpans];
    const request = decoded(decodeOtlpProtobuf(Uint8Array.from([0x0a, resourceSpans.length, ...resourceSpans])));
    const values = request.resourceSpans[0]!.resource.attributes.map((attribute) => attribute.value);
    assert.deepEqual(values, [{ doubleValue: 'NaN' }, { doubleValue: '-Infinity' }, { doubleValue: 0.5 }]);
  });

  it('refuses attribute values nested without end', () => {
    let value: number[] = [0x0a, 1, 0x78]; // AnyValue{ string_value: "x" }
    for (let depth = 0; depth < 40; depth++) {
      const array = [0x0a, ...varint(value.length), ...value]; // ArrayValue{ values: value }
      value = [0x2a, ...varint(array.length), ...array]; // AnyValue{ array_value }
    }
    const keyValue = [0x0a, 1, 0x6b, 0x12, ...varint(value.length), ...value];
    const resource = [0x0a, ...varint(keyValue.length), ...keyValue];
    const resourceSpans = [0x0a, ...varint(resource.length), ...resource];
    const body = Uint8Array.from([0x0a, ...varint(resourceSpans.length), ...resourceSpans]);
    assert.match(reason(decodeOtlpProtobuf(body)), /nested deeper/);
  });
});

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return bytes;
}

describe('decodeOtlpJson', () => {
  const text = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
  const valid = JSON.parse(new TextDecoder().decode(json)) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
  const withSpan = (change: Record<string, unknown>) => {
    const copy = structuredClone(valid);
    Object.assign(copy.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, change);
    return copy;
  };
  const withEverySpan = (change: Record<string, unknown>) => {
    const copy = structuredClone(valid);
    for (const span of copy.resourceSpans[0]!.scopeSpans[0]!.spans) Object.assign(span, change);
    return copy;
  };

  it('leaves out a span with invalid ids or times beside valid ones, and counts it (partial success)', () => {
    for (const [change, expected] of [
      [{ traceId: '0'.repeat(32) }, /invalid traceId/],
      [{ spanId: '0'.repeat(16) }, /invalid spanId/],
      [{ endTimeUnixNano: '1' }, /ends before it starts/],
    ] as const) {
      const result = decodeOtlpJson(text(withSpan(change)));
      assert.ok(result.ok);
      assert.equal(result.request.resourceSpans[0]!.scopeSpans[0]!.spans.length, 1, 'the valid span stays');
      assert.equal(result.rejected?.count, 1);
      assert.match(result.rejected!.reason, expected);
    }
    const whole = decodeOtlpJson(json);
    assert.ok(whole.ok && whole.rejected === undefined, 'a valid request rejects nothing');
  });

  it('keeps the valid spans in their order wherever the invalid one stands', () => {
    const names = valid.resourceSpans[0]!.scopeSpans[0]!.spans.map((span) => span.name);
    const copy = structuredClone(valid);
    const spans = copy.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans.push({ ...spans[0]!, spanId: '0'.repeat(16) }, structuredClone(spans[1]!));
    const result = decodeOtlpJson(text(copy));
    assert.ok(result.ok);
    assert.deepEqual(
      result.request.resourceSpans[0]!.scopeSpans[0]!.spans.map((span) => span.name),
      [...names, names[1]],
    );
    assert.equal(result.rejected?.count, 1);
  });

  it('reads what otlp-transformer JsonTraceSerializer writes', () => {
    const request = decoded(decodeOtlpJson(json));
    assert.equal(request.resourceSpans[0]!.scopeSpans[0]!.spans.length, 2);
  });

  it('drops fields it does not relay', () => {
    const request = decoded(decodeOtlpJson(text(withSpan({ secretField: 'x' }))));
    assert.equal('secretField' in request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, false);
  });

  it('takes doubles as proto3 JSON writes them, and keeps NaN and Infinity forwardable', () => {
    const doubles = ['NaN', 'Infinity', '-Infinity', '1.5', '-2e-3', 0.25];
    const attributes = doubles.map((doubleValue, i) => ({ key: `d${i}`, value: { doubleValue } }));
    const request = decoded(decodeOtlpJson(text(withSpan({ attributes }))));
    const values = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.map((attribute) => attribute.value);
    assert.deepEqual(values, [
      { doubleValue: 'NaN' },
      { doubleValue: 'Infinity' },
      { doubleValue: '-Infinity' },
      { doubleValue: 1.5 },
      { doubleValue: -0.002 },
      { doubleValue: 0.25 },
    ]);
    // What the relay forwards: JSON.stringify would have written NaN and Infinity as null.
    assert.doesNotMatch(JSON.stringify(request), /null/);
  });

  const hostile: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{"resourceSpans": [', /not UTF-8 JSON/],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), /not UTF-8 JSON/],
    ['a JSON array', [], /body is not an object/],
    ['no spans', { resourceSpans: [] }, /no spans/],
    ['resourceSpans as a string', { resourceSpans: 'x' }, /resourceSpans is not an array/],
    ['a short trace id', withSpan({ traceId: 'abc' }), /traceId is not 32 hex digits/],
    ['a zero trace id in every span', withEverySpan({ traceId: '0'.repeat(32) }), /invalid traceId/],
    ['a base64 span id', withSpan({ spanId: 'AAAAAAAAAAA=' }), /spanId is not 16 hex digits/],
    ['a negative start time', withSpan({ startTimeUnixNano: -5 }), /startTimeUnixNano is not a uint64/],
    ['a start time beyond 64 bits', withSpan({ startTimeUnixNano: '99999999999999999999' }), /not a uint64/],
    ['an end before the start in every span', withEverySpan({ endTimeUnixNano: '1' }), /ends before it starts/],
    ['kind 7', withSpan({ kind: 7 }), /not a span kind/],
    ['attributes as an object', withSpan({ attributes: { a: 1 } }), /attributes is not an array/],
    ['an attribute without a key', withSpan({ attributes: [{ value: { stringValue: 'x' } }] }), /key is not a string/],
    ['an int beyond 64 bits', withSpan({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] }), /not an int64/],
    ['a double that is null', withSpan({ attributes: [{ key: 'k', value: { doubleValue: null } }] }), /doubleValue is not a number/],
    ['a double that is a word', withSpan({ attributes: [{ key: 'k', value: { doubleValue: 'nan' } }] }), /doubleValue is not a number/],
  ];
  for (const [name, body, expected] of hostile) {
    it(`rejects ${name} with a one-line reason`, () => {
      const message = reason(decodeOtlpJson(body instanceof Uint8Array ? body : text(body)));
      assert.match(message, expected);
      assert.doesNotMatch(message, /\n/);
    });
  }
});
