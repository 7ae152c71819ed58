/**
 * The browser's baggage, as the edge reads it: 100,000 random entry lists. The web SDK's
 * serializer keeps within the W3C limits (8192 bytes, 180 entries), and the edge's parser reads
 * back exactly the entries it kept, values included; both hold keys to the same canonical form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isCanonicalBaggageKey, parseBaggage } from '@journeytrace/contract/propagation';
import { serializeBaggage } from '../../src/baggage/serializeBaggage.js';
import { casesRecorder } from '@journeytrace/tooling/reliability/recordCases.js';

const recordCases = casesRecorder('browser-baggage');

const key = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz.-_0123456789'), minLength: 1, maxLength: 16 }),
  fc.string({ unit: fc.constantFrom(...'user.tier%2E5e'), minLength: 1, maxLength: 12 }),
  fc.string({ maxLength: 8 }),
);
const value = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ maxLength: 9000 }));

describe('browser baggage read at the edge', () => {
  it('stays within the limits and round-trips every kept entry', (t) => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, value), { maxLength: 200, selector: ([name]) => name }), (entries) => {
        const { header, dropped } = serializeBaggage(entries);
        assert.ok(new TextEncoder().encode(header).length <= 8192);
        const parsed = parseBaggage(header);
        assert.ok(parsed.length <= 180);
        assert.equal(parsed.length + dropped.length, entries.length);
        const kept = entries.filter(([name]) => !dropped.includes(name));
        assert.deepEqual(
          parsed.map((member) => [member.key, member.value]),
          kept.map(([name, text]) => [name, text]),
        );
      }),
      { numRuns: 100_000 },
    );
    recordCases(t.name, 100_000);
  });

  it('sends a key exactly when the edge holds it canonical', (t) => {
    fc.assert(
      fc.property(key, (name) => {
        const { header } = serializeBaggage([[name, 'v']]);
        assert.equal(header !== '', isCanonicalBaggageKey(name), name);
      }),
      { numRuns: 100_000 },
    );
    recordCases(t.name, 100_000);
  });
});
