/**
 * Property tests of the W3C header parsing at the edge: 100,000 random and malformed headers
 * each. Parsing never throws, and whatever it accepts obeys the spec's rules and limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import {
  BAGGAGE_MAX_BYTES,
  BAGGAGE_MAX_MEMBERS,
  TRACE_STATE_MAX_LENGTH,
  TRACE_STATE_MAX_MEMBERS,
  W3CPropagator,
  formatTraceParent,
  parseBaggage,
  parseTraceParent,
  parseTraceState,
  serializeBaggage,
  W3CTraceState,
} from '@journeytrace/contract/propagation';
import { casesRecorder } from '@journeytrace/tooling/reliability/recordCases.js';

const recordCases = casesRecorder('w3c-headers');

const RUNS = 100_000;
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** Header-like noise: near misses of the real grammar as well as arbitrary text. */
const traceparentish = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.tuple(hex(2), hex(32), hex(16), hex(2), fc.string({ maxLength: 6 })).map(([v, t, p, f, tail]) => `${v}-${t}-${p}-${f}${tail}`),
  fc
    .tuple(fc.string({ maxLength: 3 }), fc.string({ maxLength: 34 }), fc.string({ maxLength: 18 }), fc.string({ maxLength: 3 }))
    .map((parts) => parts.join('-')),
);

describe('traceparent', () => {
  it('never throws, and accepts only valid ids and versions', (t) => {
    fc.assert(
      fc.property(traceparentish, (header) => {
        const parsed = parseTraceParent(header);
        if (parsed === null) return;
        assert.match(parsed.traceId, /^[0-9a-f]{32}$/);
        assert.match(parsed.parentId, /^[0-9a-f]{16}$/);
        assert.notEqual(parsed.traceId, '0'.repeat(32));
        assert.notEqual(parsed.parentId, '0'.repeat(16));
        assert.notEqual(parsed.version, 'ff');
        assert.ok(parsed.traceFlags >= 0 && parsed.traceFlags <= 3);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });

  it('reads back what it writes', (t) => {
    fc.assert(
      fc.property(hex(32), hex(16), fc.integer({ min: 0, max: 3 }), (traceId, spanId, flags) => {
        fc.pre(!/^0+$/.test(traceId) && !/^0+$/.test(spanId));
        const parsed = parseTraceParent(formatTraceParent(traceId, spanId, flags));
        assert.deepEqual([parsed?.traceId, parsed?.parentId, parsed?.traceFlags], [traceId, spanId, flags]);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });
});

const member = fc.tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 40 })).map(([key, value]) => `${key}=${value}`);
const listOf = (item: fc.Arbitrary<string>) => fc.array(item, { maxLength: 40 }).map((items) => items.join(','));

describe('tracestate', () => {
  it('never throws, and what it keeps is within the limits', (t) => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 600 }), listOf(member)), (header) => {
        const state = parseTraceState(header);
        if (!state) return;
        assert.ok(state.size <= TRACE_STATE_MAX_MEMBERS);
        assert.ok(state.serialize().length <= TRACE_STATE_MAX_LENGTH);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });

  it('accepts exactly the keys of the Level 2 grammar', (t) => {
    fc.assert(
      fc.property(traceStateKeyish, (key) => {
        const valid = isLevel2Key(key);
        assert.equal(parseTraceState(`${key}=v,other=1`)?.get(key) === 'v', valid, key);
        assert.equal(new W3CTraceState().set(key, 'v').get(key) === 'v', valid, `set ${key}`);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });

  it('passes a duplicated key on once, with its first (left-most) value, in first-seen order', (t) => {
    const pooledMember = fc.tuple(
      fc.constantFrom('foo', 'bar', 'foo@', 'a@b@c', '0x', 'rojo', 'congo'),
      fc.string({ unit: fc.constantFrom(...'0123456789abc'), minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(pooledMember, { minLength: 1, maxLength: TRACE_STATE_MAX_MEMBERS }), fc.constantFrom(',', ' , ', ',\t'), (members, separator) => {
        const state = parseTraceState(members.map(([key, value]) => `${key}=${value}`).join(separator));
        const firsts = new Map<string, string>();
        for (const [key, value] of members) if (!firsts.has(key)) firsts.set(key, value);
        assert.equal(state?.serialize(), [...firsts].map(([key, value]) => `${key}=${value}`).join(','));
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });
});

/** Keys near the grammar: its own characters, a few others, lengths around the 256 limit. */
const traceStateKeyish = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abz019_-*/@'), maxLength: 10 }),
  fc.string({ unit: fc.constantFrom(...'az09_-*/@AZ.~=%'), maxLength: 10 }),
  fc
    .tuple(fc.constantFrom('a', '0', '@', '_', 'A'), fc.integer({ min: 250, max: 260 }), fc.constantFrom('a', '@', '/', '9'))
    .map(([first, length, fill]) => first + fill.repeat(length - 1)),
);

/**
 * The Level 2 key rule, read straight off the ABNF, character by character (the parser uses a
 * regular expression): `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`,
 * `keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"`.
 */
function isLevel2Key(key: string): boolean {
  const lcalphaOrDigit = (c: string) => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  const keychar = (c: string) => lcalphaOrDigit(c) || '_-*/@'.includes(c);
  return key.length >= 1 && key.length <= 256 && lcalphaOrDigit(key[0]!) && [...key].every(keychar);
}

describe('baggage', () => {
  it('never throws, and what it keeps is within 180 entries and 8192 bytes', (t) => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), listOf(member), fc.string({ unit: 'binary', maxLength: 200 })), (header) => {
        const members = parseBaggage(header);
        assert.ok(members.length <= BAGGAGE_MAX_MEMBERS);
        assert.ok(new TextEncoder().encode(serializeBaggage(members)).length <= BAGGAGE_MAX_BYTES);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });

  it('reads back any value, percent-encoded', (t) => {
    const key = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz.-_'), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(key, fc.string({ unit: 'grapheme', maxLength: 30 }), (name, value) => {
        const [parsed] = parseBaggage(serializeBaggage([{ key: name, value }]));
        assert.deepEqual([parsed?.key, parsed?.value], [name, value]);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });
});

describe('W3CPropagator.extract', () => {
  it('never throws on any combination of headers, and continues only a valid parent', (t) => {
    const propagator = new W3CPropagator();
    fc.assert(
      fc.property(traceparentish, fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), (traceparent, tracestate, baggage) => {
        const carrier: Record<string, string> = { traceparent, tracestate, baggage };
        const context = propagator.extract(ROOT_CONTEXT, carrier, { get: (c, k) => c[k], keys: (c) => Object.keys(c) });
        const spanContext = trace.getSpanContext(context);
        if (spanContext) assert.equal(spanContext.traceId, parseTraceParent(traceparent)?.traceId);
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });
});
