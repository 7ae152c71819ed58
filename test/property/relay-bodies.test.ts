/**
 * Property tests of the relay's OTLP decoders: 100,000 random, truncated and mutated bodies
 * each. A decoder never throws: it answers a decoded request or a one-line reason.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeOtlpJson } from '../../edge-worker/src/relay/decodeOtlpJson.js';
import { decodeOtlpProtobuf } from '../../edge-worker/src/relay/decodeOtlpProtobuf.js';
import { browserSpans, jsonBody, protobufBody } from '../../edge-worker/src/relay/testSpans.js';
import { casesRecorder } from './support/recordCases.js';

const recordCases = casesRecorder('relay-bodies');

const RUNS = 100_000;

/** A valid body with random bytes flipped, cut short, or grown. */
function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.nat({ max: valid.length }).map((cut) => valid.slice(0, cut)),
    fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const copy = valid.slice();
      for (const [at, value] of flips) copy[at] = value;
      return copy;
    }),
    fc.uint8Array({ maxLength: 64 }).map((extra) => new Uint8Array([...valid, ...extra])),
  );
}

function expectAnswer(result: ReturnType<typeof decodeOtlpJson>): void {
  if (result.ok) assert.ok(Array.isArray(result.request.resourceSpans));
  else {
    assert.equal(typeof result.reason, 'string');
    assert.ok(result.reason.length > 0 && !result.reason.includes('\n'), `one-line reason: ${result.reason}`);
  }
}

describe('relay decoders', () => {
  let protobuf: Uint8Array;
  let json: Uint8Array;
  before(async () => {
    const spans = await browserSpans();
    protobuf = protobufBody(spans);
    json = jsonBody(spans);
  });

  it('protobuf: never throws on garbage, truncated or mutated bodies', (t) => {
    fc.assert(fc.property(mutated(protobuf), (bytes) => expectAnswer(decodeOtlpProtobuf(bytes))), { numRuns: RUNS });
    recordCases(t.name, RUNS);
  });

  it('JSON: never throws on garbage, truncated or mutated bodies', (t) => {
    fc.assert(fc.property(mutated(json), (bytes) => expectAnswer(decodeOtlpJson(bytes))), { numRuns: RUNS });
    recordCases(t.name, RUNS);
  });

  it('JSON: never throws on arbitrary JSON values', (t) => {
    const encoder = new TextEncoder();
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => expectAnswer(decodeOtlpJson(encoder.encode(JSON.stringify(value))))), { numRuns: RUNS });
    recordCases(t.name, RUNS);
  });
});
