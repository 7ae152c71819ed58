import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, propagation, trace, TraceFlags, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { W3CPropagator, withRandomTraceId } from './W3CPropagator.js';

type Carrier = Record<string, string | string[]>;
const getter: TextMapGetter<Carrier> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};
const setter: TextMapSetter<Carrier> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const TRACE_ID = '12345678901234567890123456789012';
const PARENT_ID = '1234567890123456';
const CHILD_ID = 'abcdefabcdefabcd';
const propagator = new W3CPropagator();

/** What a service continuing `incoming` would send on: a child span of the extracted parent. */
function passOn(incoming: Carrier): Carrier {
  const extracted = propagator.extract(ROOT_CONTEXT, incoming, getter);
  const parent = trace.getSpanContext(extracted);
  // As the SDK does: a child keeps trace id and tracestate, and only the sampled bit.
  const child = parent
    ? trace.setSpanContext(extracted, { ...parent, spanId: CHILD_ID, isRemote: false, traceFlags: parent.traceFlags & TraceFlags.SAMPLED })
    : extracted;
  const outgoing: Carrier = {};
  propagator.inject(child, outgoing, setter);
  return outgoing;
}

describe('W3CPropagator', () => {
  it('continues the trace with tracestate passed on', () => {
    const outgoing = passOn({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: 'foo=1,bar=2' });
    assert.deepEqual(outgoing, { traceparent: `00-${TRACE_ID}-${CHILD_ID}-01`, tracestate: 'foo=1,bar=2' });
  });

  it('keeps the random flag through a child span', () => {
    assert.equal(passOn({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-03` }).traceparent, `00-${TRACE_ID}-${CHILD_ID}-03`);
    assert.equal(passOn({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-02` }).traceparent, `00-${TRACE_ID}-${CHILD_ID}-02`);
    assert.equal(passOn({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` }).traceparent, `00-${TRACE_ID}-${CHILD_ID}-01`);
  });

  it('sets the random flag for a trace marked as randomly generated', () => {
    const context = withRandomTraceId(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: CHILD_ID, traceFlags: 1 }), TRACE_ID);
    const outgoing: Carrier = {};
    propagator.inject(context, outgoing, setter);
    assert.equal(outgoing.traceparent, `00-${TRACE_ID}-${CHILD_ID}-03`);
  });

  it('writes version 00 when continuing a future version', () => {
    assert.equal(passOn({ traceparent: `cc-${TRACE_ID}-${PARENT_ID}-01-future` }).traceparent, `00-${TRACE_ID}-${CHILD_ID}-01`);
  });

  it('drops an invalid or oversized tracestate but keeps the trace', () => {
    for (const tracestate of ['FOO=1', '@foo=1', Array.from({ length: 33 }, (_, i) => `k${i}=1`).join(',')]) {
      const outgoing = passOn({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-00`, tracestate });
      assert.equal(outgoing.traceparent, `00-${TRACE_ID}-${CHILD_ID}-00`);
      assert.equal(outgoing.tracestate, undefined, tracestate);
    }
  });

  it('passes on Level 2 keys, and a duplicated key only once', () => {
    const passed = (tracestate: string) => passOn({ traceparent: `00-${TRACE_ID}-${PARENT_ID}-00`, tracestate }).tracestate;
    assert.equal(passed('foo@=1,foo@@bar=2,foo@bar@baz=3,0x=4'), 'foo@=1,foo@@bar=2,foo@bar@baz=3,0x=4');
    assert.equal(passed('foo=1,foo=2'), 'foo=1');
    assert.equal(passed('congo=2, rojo=1 ,congo=1'), 'congo=2,rojo=1');
  });

  it('validates and limits a tracestate from another implementation on the way out', () => {
    const foreign = {
      get: () => undefined,
      set() {
        return this;
      },
      unset() {
        return this;
      },
      serialize: () => 'ok=1,BAD=2',
    };
    const outgoing: Carrier = {};
    propagator.inject(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: CHILD_ID, traceFlags: 1, traceState: foreign }), outgoing, setter);
    assert.equal(outgoing.tracestate, undefined);
  });

  it('ignores tracestate without a valid traceparent', () => {
    const extracted = propagator.extract(ROOT_CONTEXT, { traceparent: `00-${'0'.repeat(32)}-${PARENT_ID}-01`, tracestate: 'foo=1' }, getter);
    assert.equal(trace.getSpanContext(extracted), undefined);
  });

  it('treats duplicated traceparent headers as invalid (Headers joins them with a comma)', () => {
    const headers = new Headers();
    headers.append('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`);
    headers.append('traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`);
    const extracted = propagator.extract(ROOT_CONTEXT, headers, { get: (h, k) => h.get(k) ?? undefined, keys: (h) => [...h.keys()] });
    assert.equal(trace.getSpanContext(extracted), undefined);
    // Node-style carriers hand over arrays: joined the same way.
    assert.equal(
      trace.getSpanContext(propagator.extract(ROOT_CONTEXT, { traceparent: [`00-${TRACE_ID}-${PARENT_ID}-01`, `00-${TRACE_ID}-${PARENT_ID}-01`] }, getter)),
      undefined,
    );
  });

  it('extracts and injects baggage with properties', () => {
    const extracted = propagator.extract(ROOT_CONTEXT, { baggage: 'user.tier=premium;verified, session.id=s%201,bad key=1' }, getter);
    const baggage = propagation.getBaggage(extracted);
    assert.equal(baggage?.getEntry('user.tier')?.value, 'premium');
    assert.equal(baggage?.getEntry('session.id')?.value, 's 1');
    assert.equal(baggage?.getAllEntries().length, 2);
    const outgoing: Carrier = {};
    propagator.inject(extracted, outgoing, setter);
    assert.equal(outgoing.baggage, 'user.tier=premium;verified,session.id=s%201');
  });

  it('injects nothing when tracing is suppressed', () => {
    const context = suppressTracing(trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: CHILD_ID, traceFlags: 1 }));
    const outgoing: Carrier = {};
    propagator.inject(context, outgoing, setter);
    assert.deepEqual(outgoing, {});
  });

  it('never throws on hostile carriers', () => {
    const hostile: Carrier = { traceparent: '\u0000'.repeat(10_000), tracestate: '=,'.repeat(50_000), baggage: ';=;,'.repeat(50_000) };
    const extracted = propagator.extract(ROOT_CONTEXT, hostile, getter);
    assert.equal(trace.getSpanContext(extracted), undefined);
    assert.equal(propagation.getBaggage(extracted), undefined);
  });
});
