import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, propagation, type AttributeValue } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace';
import { BaggageSpanProcessor } from './BaggageSpanProcessor.js';

/** A span that keeps what is set on it in `attributes`. */
function recordingSpan(attributes: Record<string, AttributeValue>): Span {
  return {
    setAttribute: (key: string, value: AttributeValue) => {
      attributes[key] = value;
    },
  } as unknown as Span;
}

/** The attributes a processor sets on a span started in `baggage`'s context. */
function stamped(processor: BaggageSpanProcessor, entries: Record<string, string> | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  const span = recordingSpan(attributes);
  const context = entries
    ? propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage(Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, { value }]))))
    : ROOT_CONTEXT;
  processor.onStart(span, context);
  return attributes;
}

describe('BaggageSpanProcessor', () => {
  it('copies only the allow-listed baggage keys onto a span', () => {
    const processor = new BaggageSpanProcessor(['session.id', 'user.tier']);
    assert.deepEqual(stamped(processor, { 'session.id': 's1', 'user.tier': 'premium', 'card.number': '4111' }), { 'session.id': 's1', 'user.tier': 'premium' });
    assert.deepEqual(stamped(processor, undefined), {});
  });

  it('stamps each span from its own baggage, also when one baggage is shared by many spans', () => {
    const processor = new BaggageSpanProcessor(['user.tier']);
    const shared = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ 'user.tier': { value: 'vip' } }));
    for (const _ of [1, 2]) {
      const attributes: Record<string, AttributeValue> = {};
      processor.onStart(recordingSpan(attributes), shared);
      assert.deepEqual(attributes, { 'user.tier': 'vip' });
    }
    assert.deepEqual(stamped(processor, { 'user.tier': 'free' }), { 'user.tier': 'free' });
    assert.deepEqual(stamped(processor, { 'session.id': 's2' }), {});
  });
});
