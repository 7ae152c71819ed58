/**
 * Claims in baggage (`user.tier`, `enduser.id`) under every spelling: 100,000 random headers each.
 * Any mix of %XX for any character of a claimed key, upper- or lower-case hex, double and triple
 * encoding, overlong UTF-8, white space and properties, among other members. Without a valid
 * token no spelling survives the edge (extract, verify, inject, as the trace middleware does);
 * and what the edge emits, read by a Node origin (the kit's propagator, @opentelemetry/core's
 * decoding one, or a reader that decodes keys over and over), never yields a claimed key.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, propagation, type Context } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { DEFAULT_CLAIMED_BAGGAGE_KEYS, withVerifiedUser, type VerifiedUser } from '../../src/baggage/verifiedClaims.js';
import { W3CPropagator, isCanonicalBaggageKey } from '@journeytrace/contract/propagation';
import { casesRecorder } from '@journeytrace/tooling/reliability/recordCases.js';

const recordCases = casesRecorder('baggage-claims');
const RUNS = 100_000;
const CLAIMED = new Set(DEFAULT_CLAIMED_BAGGAGE_KEYS);

/** `c` as %XX, its hex digits in any case, with `%25` put in front `depth` times. */
const percentSpelling = (c: string) =>
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.boolean()).map(([depth, upper1, upper2]) => {
    const [h1, h2] = c.charCodeAt(0).toString(16).padStart(2, '0');
    const digit = (h: string, upper: boolean) => (upper ? h.toUpperCase() : h);
    return `%${'25'.repeat(depth)}${digit(h1!, upper1)}${digit(h2!, upper2)}`;
  });
/** One character of a key: as written, percent-encoded, or (for '.') as overlong UTF-8. */
const spellChar = (c: string) => fc.oneof(fc.constant(c), percentSpelling(c), ...(c === '.' ? [fc.constantFrom('%C0%AE', '%c0%ae', '%E0%80%AE')] : []));
/** A claimed key, each character spelled its own way. */
const claimedKeySpelling = fc.constantFrom(...CLAIMED).chain((key) => fc.tuple(...[...key].map(spellChar)).map((chars) => chars.join('')));

const ows = fc.constantFrom('', ' ', '\t', ' \t ');
const value = fc.oneof(fc.constantFrom('vip', 'premium', 'victim', 'admin'), fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.%2E'), maxLength: 12 }));
const properties = fc.constantFrom('', ';p=1', ';ttl=60;private', ' ; user.tier = vip');
const claimMember = fc.tuple(ows, claimedKeySpelling, ows, ows, value, properties).map(([a, key, b, c, text, props]) => `${a}${key}${b}=${c}${text}${props}`);
const otherMember = fc.oneof(
  fc.constantFrom('session.id=s1', 'journey.step=pay', 'k=v;p'),
  fc.string({ maxLength: 24 }), // noise: near misses, stray commas, '=' and '%'
);
const header = fc
  .tuple(fc.array(claimMember, { minLength: 1, maxLength: 6 }), fc.array(otherMember, { maxLength: 6 }))
  .chain(([claims, others]) => fc.shuffledSubarray([...claims, ...others], { minLength: claims.length + others.length }))
  .map((members) => members.join(','));

const edgePropagator = new W3CPropagator();

/** The edge's path: extract the header, replace the claims with what was verified, inject. */
function throughEdge(baggage: string, verified: VerifiedUser | null): { context: Context; emitted: string } {
  const extracted = edgePropagator.extract(ROOT_CONTEXT, { baggage }, defaultTextMapGetter);
  const context = withVerifiedUser(extracted, verified);
  const carrier: Record<string, string> = {};
  edgePropagator.inject(context, carrier, defaultTextMapSetter);
  return { context, emitted: carrier.baggage ?? '' };
}

const keysIn = (context: Context) => (propagation.getBaggage(context)?.getAllEntries() ?? []).map(([key]) => key);
/** The keys Node origins read from what the edge sent: with the kit's propagator and with core's. */
function nodeReaderKeys(emitted: string): string[] {
  const carrier = { baggage: emitted };
  return [
    ...keysIn(new W3CPropagator().extract(ROOT_CONTEXT, carrier, defaultTextMapGetter)),
    ...keysIn(new W3CBaggagePropagator().extract(ROOT_CONTEXT, carrier, defaultTextMapGetter)),
  ];
}

/** Every key a reader could make of a written key by decoding it zero or more times. */
function decodings(key: string): string[] {
  const seen = [key.trim()];
  for (let i = 0; i < 4; i++) {
    try {
      const next = decodeURIComponent(seen.at(-1)!);
      if (next === seen.at(-1)) break;
      seen.push(next.trim());
    } catch {
      break;
    }
  }
  return seen;
}
const writtenKeys = (emitted: string) => (emitted === '' ? [] : emitted.split(',').map((member) => member.split(/[;=]/, 1)[0]!));

describe('claimed baggage keys at the edge', () => {
  it('no spelling of a claimed key survives the edge without a valid token', (t) => {
    fc.assert(
      fc.property(header, (baggage) => {
        const { context, emitted } = throughEdge(baggage, null);
        // What the edge's own spans are stamped from (BaggageSpanProcessor reads this baggage).
        for (const key of keysIn(context)) assert.ok(!decodings(key).some((decoded) => CLAIMED.has(decoded)), `edge baggage kept ${key}`);
        // What the edge sends on is canonical: no reader can decode a key into another one.
        for (const key of writtenKeys(emitted)) {
          assert.ok(isCanonicalBaggageKey(key), `edge wrote ${key}`);
          for (const decoded of decodings(key)) assert.ok(!CLAIMED.has(decoded), `edge wrote ${key}, read as ${decoded}`);
        }
        for (const key of nodeReaderKeys(emitted)) assert.ok(!CLAIMED.has(key), `origin read ${key} from ${emitted}`);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });

  it('with a valid token, every reader sees the verified values and nothing else for the claims', (t) => {
    const verified = { 'user.tier': 'free', 'enduser.id': 'u-1' };
    fc.assert(
      fc.property(header, (baggage) => {
        const { emitted } = throughEdge(baggage, verified);
        for (const reader of [new W3CPropagator(), new W3CBaggagePropagator()]) {
          const read = propagation.getBaggage(reader.extract(ROOT_CONTEXT, { baggage: emitted }, defaultTextMapGetter));
          const claims = (read?.getAllEntries() ?? []).filter(([key]) => CLAIMED.has(key));
          assert.deepEqual(Object.fromEntries(claims.map(([key, entry]) => [key, entry.value])), verified, emitted);
        }
        assert.equal(writtenKeys(emitted).filter((key) => decodings(key).some((decoded) => CLAIMED.has(decoded))).length, CLAIMED.size, emitted);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });
});
