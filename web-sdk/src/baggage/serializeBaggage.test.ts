import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BAGGAGE_MAX_ENTRIES, BAGGAGE_MAX_TOTAL_BYTES } from './limits.js';
import { serializeBaggage } from './serializeBaggage.js';

describe('serializeBaggage', () => {
  it('percent-encodes values, UTF-8 included', () => {
    assert.equal(
      serializeBaggage([
        ['user.tier', 'gold plus,=;'],
        ['enduser.id', 'zoë'],
      ]).header,
      'user.tier=gold%20plus%2C%3D%3B,enduser.id=zo%C3%AB',
    );
  });

  it('writes keys only in the canonical form the edge reads: a key with % is left out', () => {
    const { header, dropped } = serializeBaggage([
      ['user%2Etier', 'vip'],
      ['user.tier', 'free'],
      ['a b', '1'],
    ]);
    assert.equal(header, 'user.tier=free');
    assert.deepEqual(dropped, ['user%2Etier', 'a b']);
  });

  it('keeps a header of exactly 8192 bytes and drops the entry that would pass it', () => {
    const key = 'k';
    const value = 'v'.repeat(BAGGAGE_MAX_TOTAL_BYTES - 2);
    const exact = serializeBaggage([[key, value]]);
    assert.equal(exact.header.length, BAGGAGE_MAX_TOTAL_BYTES);
    const over = serializeBaggage([
      ['a', 'b'],
      [key, value],
    ]);
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
    assert.deepEqual(
      serializeBaggage([
        ['bad key', 'v'],
        ['ok', 'v'],
      ]),
      { header: 'ok=v', dropped: ['bad key'] },
    );
  });
});
