import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { kafkaHeaderGetter, type KafkaHeaders } from './kafkaHeaders.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('kafkaHeaderGetter', () => {
  const propagator = new W3CTraceContextPropagator();

  it('extracts a trace context from Buffer header values, as kafkajs delivers them', () => {
    const headers: KafkaHeaders = { traceparent: Buffer.from(TRACEPARENT), tracestate: Buffer.from('congo=t61rcWkgMzE') };
    const spanContext = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, kafkaHeaderGetter));
    assert.equal(spanContext?.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(spanContext?.spanId, 'b7ad6b7169203331');
    assert.equal(spanContext?.isRemote, true);
    assert.equal(spanContext?.traceState?.get('congo'), 't61rcWkgMzE');
  });

  it('reads string values and repeated keys, and lists the keys', () => {
    const headers: KafkaHeaders = { traceparent: TRACEPARENT, baggage: [Buffer.from('a=1'), 'b=2'] };
    assert.equal(kafkaHeaderGetter.get(headers, 'traceparent'), TRACEPARENT);
    assert.deepEqual(kafkaHeaderGetter.get(headers, 'baggage'), ['a=1', 'b=2']);
    assert.deepEqual(kafkaHeaderGetter.keys(headers), ['traceparent', 'baggage']);
  });

  it('leaves the context unchanged for missing, binary-garbage or absent headers', () => {
    assert.equal(kafkaHeaderGetter.get(undefined, 'traceparent'), undefined);
    assert.deepEqual(kafkaHeaderGetter.keys(undefined), []);
    const garbage: KafkaHeaders = { traceparent: Buffer.from([0xff, 0x00, 0xfe, 0x80]) };
    assert.equal(trace.getSpanContext(propagator.extract(ROOT_CONTEXT, garbage, kafkaHeaderGetter)), undefined);
    assert.equal(propagation.getBaggage(propagator.extract(ROOT_CONTEXT, {}, kafkaHeaderGetter)), undefined);
  });
});
