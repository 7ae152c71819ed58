/**
 * Property tests of the relay's OTLP decoders: 100,000 random, truncated and mutated bodies
 * each. A decoder never throws: it answers a decoded request or a one-line reason. And of what
 * the relay forwards: whatever a page writes into a valid batch (service names, times, floods
 * of attributes, credentials), what goes on is pinned, marked, bounded and redacted.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeOtlpJson } from '../../src/relay/decodeOtlpJson.js';
import { decodeOtlpProtobuf } from '../../src/relay/decodeOtlpProtobuf.js';
import { attributeAllowList, DEFAULT_RELAYED_RESOURCE_ATTRIBUTES, DEFAULT_RELAYED_SPAN_ATTRIBUTES } from '../../src/relay/filterAttributes.js';
import { prepareBatch } from '../../src/relay/prepareBatch.js';
import { resolveSpanLimits } from '../../src/relay/spanLimits.js';
import { browserSpans, jsonBody, protobufBody } from '@journeytrace/tooling/fixtures/testSpans.js';
import { casesRecorder } from '@journeytrace/tooling/reliability/recordCases.js';

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
    fc.assert(
      fc.property(mutated(protobuf), (bytes) => expectAnswer(decodeOtlpProtobuf(bytes))),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });

  it('JSON: never throws on garbage, truncated or mutated bodies', (t) => {
    fc.assert(
      fc.property(mutated(json), (bytes) => expectAnswer(decodeOtlpJson(bytes))),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });

  it('JSON: never throws on arbitrary JSON values', (t) => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => expectAnswer(decodeOtlpJson(encoder.encode(JSON.stringify(value))))),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });
});

type JsonBatch = {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: unknown }> };
    scopeSpans: Array<{
      spans: Array<{ spanId: string; startTimeUnixNano: string; endTimeUnixNano: string; attributes: Array<{ key: string; value: unknown }> }>;
    }>;
  }>;
};

describe('relay forwarding', () => {
  const FORWARD_RUNS = 5_000;
  const NOW = 1_700_000_000_000;
  const NOW_NANOS = BigInt(NOW) * 1_000_000n;
  const DAY_NANOS = 86_400_000_000_000n;
  const SECRET = 'S3CR3T';
  const MAX_SPANS = 3;
  const options = (skewMillis: number) => ({
    filter: {
      resource: attributeAllowList(DEFAULT_RELAYED_RESOURCE_ATTRIBUTES),
      span: attributeAllowList(DEFAULT_RELAYED_SPAN_ATTRIBUTES),
      limits: resolveSpanLimits(),
    },
    serviceNames: new Set(['shop-web']),
    maxSpansPerBatch: MAX_SPANS,
    skewMillis,
    receivedAtMillis: NOW,
  });
  /** Where a page may plant a credential; every one of them must be redacted or cut away. */
  const planted = fc.constantFrom(
    { key: 'http.request.header.authorization', value: { stringValue: `Bearer ${SECRET}` } },
    { key: 'http.request.header.cookie', value: { arrayValue: { values: [{ stringValue: `sid=${SECRET}` }] } } },
    { key: 'http.request.header.x-session-id', value: { stringValue: SECRET } },
    { key: 'browser.api_key', value: { stringValue: SECRET } },
    { key: 'url.path', value: { stringValue: `/reset?token=${SECRET}` } },
    { key: 'url.full', value: { stringValue: `https://alice:${SECRET}@shop.example/p?x=1` } },
    { key: 'url.query', value: { stringValue: `token=${SECRET}` } },
    { key: 'browser.page.url', value: { stringValue: `https://shop.example/#access_token=${SECRET}` } },
  );
  const spanEdit = fc.record({
    startOffsetNanos: fc.oneof(fc.bigInt(-2n * DAY_NANOS, DAY_NANOS), fc.bigInt(-NOW_NANOS + 1n, 1n << 62n)),
    durationNanos: fc.oneof(fc.bigInt(0n, 10_000_000_000n), fc.bigInt(0n, 1n << 62n)),
    flood: fc.nat({ max: 300 }),
    secrets: fc.array(planted, { maxLength: 4 }),
  });
  const batchEdit = fc.record({
    serviceNames: fc.array(fc.constantFrom('shop-web', 'payment', 'checkout-api', 'unknown_service:webjs', ''), { minLength: 1, maxLength: 3 }),
    spans: fc.array(spanEdit, { minLength: 1, maxLength: 6 }),
    skewMillis: fc.oneof(fc.constant(0), fc.integer({ min: -86_400_000, max: 86_400_000 })),
  });

  it('whatever a page writes, only accepted services go on, marked relayed, inside the time window, within the span limits, credentials redacted', async (t) => {
    const template = JSON.parse(new TextDecoder().decode(jsonBody(await browserSpans(NOW - 1_000)))) as JsonBatch;
    const [firstSpan] = template.resourceSpans[0]!.scopeSpans[0]!.spans;
    fc.assert(
      fc.property(batchEdit, (edit) => {
        let spanIndex = 0;
        const body: JsonBatch = {
          resourceSpans: edit.serviceNames.map((name) => ({
            resource: {
              attributes: [
                { key: 'service.name', value: { stringValue: name } },
                { key: 'journeytrace.relayed', value: { boolValue: false } },
                ...Array.from({ length: 130 }, (_, i) => ({ key: `browser.flood${i}`, value: { stringValue: 'x' } })),
              ],
            },
            scopeSpans: [
              {
                spans: edit.spans.map((spanEdit) => {
                  spanIndex += 1;
                  const start = NOW_NANOS + spanEdit.startOffsetNanos;
                  return {
                    ...structuredClone(firstSpan!),
                    spanId: spanIndex.toString(16).padStart(16, '0'),
                    startTimeUnixNano: String(start),
                    endTimeUnixNano: String(start + spanEdit.durationNanos),
                    attributes: [
                      ...spanEdit.secrets,
                      ...Array.from({ length: spanEdit.flood }, (_, i) => ({ key: `http.flood${i}`, value: { stringValue: 'x' } })),
                    ],
                  };
                }),
              },
            ],
          })),
        };
        const sent = spanIndex;
        const result = prepareBatch(new TextEncoder().encode(JSON.stringify(body)), 'json', options(edit.skewMillis));
        if (!result.ok) return assert.ok(result.reason.length > 0 && !result.reason.includes('\n'), result.reason);
        assert.equal(result.spanCount + (result.rejected?.count ?? 0), sent, 'every span forwarded or counted');
        assert.ok(result.spanCount <= MAX_SPANS);
        assert.ok(!JSON.stringify(result.request).includes(SECRET), 'no planted credential');
        for (const resourceSpans of result.request.resourceSpans) {
          const attributes = resourceSpans.resource.attributes;
          assert.ok(attributes.length <= 128);
          assert.deepEqual(
            attributes.filter((a) => a.key === 'service.name'),
            [{ key: 'service.name', value: { stringValue: 'shop-web' } }],
          );
          assert.deepEqual(
            attributes.filter((a) => a.key === 'journeytrace.relayed'),
            [{ key: 'journeytrace.relayed', value: { boolValue: true } }],
          );
          for (const span of resourceSpans.scopeSpans.flatMap((scope) => scope.spans)) {
            const start = BigInt(span.startTimeUnixNano);
            const end = BigInt(span.endTimeUnixNano);
            assert.ok(start >= NOW_NANOS - DAY_NANOS && start <= NOW_NANOS + 300_000_000_000n, `start ${start}`);
            assert.ok(end >= start && end - start <= 3_600_000_000_000n && end <= NOW_NANOS + 300_000_000_000n, `end ${end}`);
            assert.ok(span.attributes.length <= 128);
          }
        }
      }),
      { numRuns: FORWARD_RUNS },
    );
    recordCases(t.name, FORWARD_RUNS);
  });
});
