import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, propagation, trace, type TextMapSetter } from '@opentelemetry/api';
import { journeyPropagator } from './journeyPropagator.js';

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

describe('journeyPropagator', () => {
  it('injects only the allow-listed keys, journey values first', () => {
    const pageBaggage = propagation.createBaggage({ 'credit.card': { value: '4111' }, 'user.tier': { value: 'free' }, 'enduser.id': { value: 'u1' } });
    const headers: Record<string, string> = {};
    journeyPropagator(() => ({ 'session.id': 'abc', 'user.tier': 'vip' })).inject(propagation.setBaggage(ROOT_CONTEXT, pageBaggage), headers, setter);
    assert.equal(headers.baggage, 'session.id=abc,user.tier=vip,enduser.id=u1');
  });

  it('sets no header when there is nothing to send', () => {
    const headers: Record<string, string> = {};
    journeyPropagator(() => ({})).inject(ROOT_CONTEXT, headers, setter);
    assert.deepEqual(headers, {});
  });

  it('leaves out an oversized value and still sends the rest', () => {
    const headers: Record<string, string> = {};
    journeyPropagator(() => ({ 'session.id': 'abc', 'enduser.id': 'x'.repeat(9000) })).inject(ROOT_CONTEXT, headers, setter);
    assert.equal(headers.baggage, 'session.id=abc');
  });

  it('injects and extracts W3C trace context alongside the baggage', () => {
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const headers: Record<string, string> = {};
    const propagator = journeyPropagator(() => ({ 'session.id': 'abc' }));
    propagator.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), headers, setter);
    assert.deepEqual(headers, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', baggage: 'session.id=abc' });
    const extracted = trace.getSpanContext(propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter));
    assert.deepEqual(extracted, { ...spanContext, isRemote: true });
    assert.deepEqual(propagator.fields(), ['traceparent', 'tracestate', 'baggage']);
  });
});
