import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { encodeTraces, nanos } from './otlpJson.js';

const resource = resourceFromAttributes({ 'service.name': 'shop-web' });

function span(overrides: Partial<ReadableSpan> = {}): ReadableSpan {
  return {
    name: 'checkout',
    kind: SpanKind.CLIENT,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED }),
    parentSpanContext: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED },
    startTime: [1764000000, 5],
    endTime: [1764000001, 123456789],
    status: { code: SpanStatusCode.ERROR, message: 'boom' },
    attributes: { 'http.response.status_code': 503, ratio: 0.5, ok: false, tags: ['a', 'b'], skipped: undefined },
    links: [],
    events: [{ name: 'exception', time: [1764000001, 0], attributes: { 'exception.message': 'boom' } }],
    duration: [1, 123456784],
    ended: true,
    resource,
    instrumentationScope: { name: 'journeytrace', version: '1' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

describe('encodeTraces', () => {
  it('writes OTLP/JSON: hex ids, string nanos, OTLP span kind, typed values', () => {
    const request = JSON.parse(encodeTraces([span()]));
    assert.deepEqual(request.resourceSpans[0].resource.attributes, [{ key: 'service.name', value: { stringValue: 'shop-web' } }]);
    const scope = request.resourceSpans[0].scopeSpans[0];
    assert.deepEqual(scope.scope, { name: 'journeytrace', version: '1' });
    const encoded = scope.spans[0];
    assert.equal(encoded.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(encoded.parentSpanId, '00f067aa0ba902b7');
    assert.equal(encoded.kind, 3); // SPAN_KIND_CLIENT
    assert.equal(encoded.startTimeUnixNano, '1764000000000000005');
    assert.equal(encoded.endTimeUnixNano, '1764000001123456789');
    assert.deepEqual(encoded.status, { code: 2, message: 'boom' });
    assert.deepEqual(encoded.attributes, [
      { key: 'http.response.status_code', value: { intValue: '503' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      { key: 'ok', value: { boolValue: false } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } } },
    ]);
    assert.equal(encoded.events[0].timeUnixNano, '1764000001000000000');
  });

  it('groups spans by resource and scope', () => {
    const other = span({ instrumentationScope: { name: '@opentelemetry/instrumentation-fetch' } });
    const request = JSON.parse(encodeTraces([span(), other, span()]));
    assert.equal(request.resourceSpans.length, 1);
    assert.deepEqual(
      request.resourceSpans[0].scopeSpans.map((s: { spans: unknown[] }) => s.spans.length),
      [2, 1],
    );
  });

  it('writes numbers every OTLP/JSON reader takes: NaN and Infinity as strings, integers past 2^53 as doubles', () => {
    const attributes = { nan: NaN, up: Infinity, down: -Infinity, huge: 1e21, safe: -9007199254740991, list: [1, NaN] };
    const body = encodeTraces([span({ attributes })]);
    assert.doesNotMatch(body, /null/);
    const encoded = JSON.parse(body).resourceSpans[0].scopeSpans[0].spans[0];
    assert.deepEqual(encoded.attributes, [
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'up', value: { doubleValue: 'Infinity' } },
      { key: 'down', value: { doubleValue: '-Infinity' } },
      { key: 'huge', value: { doubleValue: 1e21 } },
      { key: 'safe', value: { intValue: '-9007199254740991' } },
      { key: 'list', value: { arrayValue: { values: [{ intValue: '1' }, { doubleValue: 'NaN' }] } } },
    ]);
  });

  it('omits the parent of a root span', () => {
    const encoded = JSON.parse(encodeTraces([span({ parentSpanContext: undefined })])).resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal('parentSpanId' in encoded, false);
  });
});

describe('nanos', () => {
  it('is exact past 2^53', () => {
    assert.equal(nanos([1764000000, 999999999]), '1764000000999999999');
    assert.equal(nanos([0, 42]), '42');
  });

  it('carries a nanosecond part of a whole second into the seconds', () => {
    assert.equal(nanos([1764000000, 1_000_000_000]), '1764000001000000000');
    assert.equal(nanos([1764000000, 1_500_000_000]), '1764000001500000000');
    assert.equal(nanos([0, 1_000_000_042]), '1000000042');
  });
});
