import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, propagation, type TextMapSetter } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { journeyBaggage } from './journeyBaggage.js';

const setter: TextMapSetter<Record<string, string>> = { set: (carrier, key, value) => void (carrier[key] = value) };

describe('journeyBaggage', () => {
  it('carries the allow-listed keys that have values', () => {
    const baggage = journeyBaggage({ 'session.id': 'abc', 'user.tier': 'vip', 'enduser.id': undefined });
    assert.deepEqual(
      baggage.getAllEntries().map(([key, entry]) => [key, entry.value]),
      [
        ['session.id', 'abc'],
        ['user.tier', 'vip'],
      ],
    );
  });

  it('never carries keys outside the allow-list', () => {
    const baggage = journeyBaggage({ 'user.tier': 'free', ...({ 'credit.card': '4111' } as object) });
    assert.equal(baggage.getEntry('credit.card'), undefined);
  });

  it('is percent-encoded on the wire', () => {
    const headers: Record<string, string> = {};
    const context = propagation.setBaggage(ROOT_CONTEXT, journeyBaggage({ 'user.tier': 'gold plus,=;' }));
    new W3CBaggagePropagator().inject(context, headers, setter);
    assert.equal(headers.baggage, 'user.tier=gold%20plus%2C%3D%3B');
  });
});
