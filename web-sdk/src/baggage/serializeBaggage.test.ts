import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, propagation, type TextMapSetter } from '@opentelemetry/api';
import { journeyBaggagePropagator } from './JourneyBaggagePropagator.js';
import { BAGGAGE_MAX_ENTRIES, BAGGAGE_MAX_TOTAL_BYTES } from './limits.js';
import { serializeBaggage } from './serializeBaggage.js';

const setter: TextMapSetter<Record<string, string>> = { set: (carrier, key, value) => void (carrier[key] = value) };

describe('serializeBaggage', () => {
  it('percent-encodes values, UTF-8 included', () => {
    assert.equal(serializeBaggage([['user.tier', 'gold plus,=;'], ['enduser.id', 'zoë']]).header, 'user.tier=gold%20plus%2C%3D%3B,enduser.id=zo%C3%AB');
  });

  it('keeps a header of exactly 8192 bytes and drops the entry that would pass it', () => {
    const key = 'k';
    const value = 'v'.repeat(BAGGAGE_MAX_TOTAL_BYTES - 2);
    const exact = serializeBaggage([[key, value]]);
    assert.equal(exact.header.length, BAGGAGE_MAX_TOTAL_BYTES);
    const over = serializeBaggage([['a', 'b'], [key, value]]);
    assert.equal(over.header, 'a=b');
    assert.deepEqual(over.dropped, [key]);
  });

  it('counts encoded bytes, not characters', () => {
    const { header, dropped } = serializeBaggage([['k', 'é'.repeat(2000)]]); // 6 bytes encoded each
    assert.equal(header, '');
    assert.deepEqual(dropped, ['k']);
  });

  it('sends at most 180 entries', () => {
    const entries = Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'] as const);
    const { header, dropped } = serializeBaggage(entries);
    assert.equal(header.split(',').length, BAGGAGE_MAX_ENTRIES);
    assert.equal(dropped.length, 20);
  });

  it('drops keys that are not tokens rather than sending a broken header', () => {
    assert.deepEqual(serializeBaggage([['bad key', 'v'], ['ok', 'v']]), { header: 'ok=v', dropped: ['bad key'] });
  });
});

describe('journeyBaggagePropagator', () => {
  it('injects only the allow-listed keys, journey values first', () => {
    const pageBaggage = propagation.createBaggage({ 'credit.card': { value: '4111' }, 'user.tier': { value: 'free' }, 'enduser.id': { value: 'u1' } });
    const headers: Record<string, string> = {};
    journeyBaggagePropagator(() => ({ 'session.id': 'abc', 'user.tier': 'vip' })).inject(propagation.setBaggage(ROOT_CONTEXT, pageBaggage), headers, setter);
    assert.equal(headers.baggage, 'session.id=abc,user.tier=vip,enduser.id=u1');
  });

  it('sets no header when there is nothing to send', () => {
    const headers: Record<string, string> = {};
    journeyBaggagePropagator(() => ({})).inject(ROOT_CONTEXT, headers, setter);
    assert.deepEqual(headers, {});
  });

  it('leaves out an oversized value and still sends the rest', () => {
    const headers: Record<string, string> = {};
    journeyBaggagePropagator(() => ({ 'session.id': 'abc', 'enduser.id': 'x'.repeat(9000) })).inject(ROOT_CONTEXT, headers, setter);
    assert.equal(headers.baggage, 'session.id=abc');
  });
});
