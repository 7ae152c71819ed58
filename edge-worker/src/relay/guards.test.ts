import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ATTR_JOURNEYTRACE_CLOCK_SKEW_MS, clockSkewMillis, correctClockSkew } from './clockSkew.js';
import { decodeOtlpJson } from './decodeOtlpJson.js';
import { attributeAllowList, DEFAULT_RELAYED_RESOURCE_ATTRIBUTES, DEFAULT_RELAYED_SPAN_ATTRIBUTES, filterAttributes, stripQuery } from './filterAttributes.js';
import type { OtlpTraceRequest } from './otlpTypes.js';
import { createRateLimiter } from './rateLimiter.js';
import { DRAIN_FACTOR, readLimitedBody } from './readLimitedBody.js';
import { browserSpans, jsonBody } from '@journeytrace/tooling/fixtures/testSpans.js';

async function request(): Promise<OtlpTraceRequest> {
  const result = decodeOtlpJson(jsonBody(await browserSpans()));
  assert.ok(result.ok);
  return result.request;
}

describe('attribute allow-list', () => {
  it('matches exact keys and prefix patterns only', () => {
    const allowed = attributeAllowList(['service.name', 'http.*']);
    assert.equal(allowed('service.name'), true);
    assert.equal(allowed('service.namespace'), false);
    assert.equal(allowed('http.request.method'), true);
    assert.equal(allowed('https'), false);
  });

  it('never relays url.query or url.fragment, even when url.* is allowed', () => {
    const allowed = attributeAllowList(['url.*']);
    assert.equal(allowed('url.full'), true);
    assert.equal(allowed('url.query'), false);
    assert.equal(allowed('url.fragment'), false);
  });

  it('relays no user claim by default, under any spelling (keys are compared as written)', () => {
    // The tail sampler matches `user.tier` as written, and nothing downstream decodes attribute
    // keys: so an encoded spelling is just an unknown key, dropped with the rest.
    const allowed = attributeAllowList(DEFAULT_RELAYED_SPAN_ATTRIBUTES);
    for (const key of ['user.tier', 'enduser.id', 'user%2Etier', 'enduser%2eid', 'user%252Etier', 'USER.TIER']) assert.equal(allowed(key), false, key);
    assert.equal(allowed('session.id'), true);
  });

  it('strips query strings and fragments', () => {
    assert.equal(stripQuery('https://a.example/p?token=1#x'), 'https://a.example/p');
    assert.equal(stripQuery('https://a.example/p#x?y'), 'https://a.example/p');
    assert.equal(stripQuery('/p'), '/p');
  });

  it('the defaults keep what the web SDK records and clean every URL it records', async () => {
    const batch = await request();
    const step = batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    step.attributes = [
      { key: 'browser.navigation.from', value: { stringValue: 'https://shop.example/cart?coupon=SECRET' } },
      { key: 'web_vital.name', value: { stringValue: 'LCP' } },
      { key: 'event.name', value: { stringValue: 'session.start' } },
      { key: 'user.email', value: { stringValue: 'alice@example.com' } },
      { key: 'journeytrace.clock_skew_ms', value: { intValue: '999999' } },
    ];
    filterAttributes(batch, { resource: attributeAllowList(DEFAULT_RELAYED_RESOURCE_ATTRIBUTES), span: attributeAllowList(DEFAULT_RELAYED_SPAN_ATTRIBUTES) });
    assert.deepEqual(step.attributes, [
      { key: 'browser.navigation.from', value: { stringValue: 'https://shop.example/cart' } },
      { key: 'web_vital.name', value: { stringValue: 'LCP' } },
      { key: 'event.name', value: { stringValue: 'session.start' } },
    ]);
  });

  it('filters resource, span, event and link attributes and cleans URLs', async () => {
    const batch = await request();
    filterAttributes(batch, { resource: attributeAllowList(['service.name', 'telemetry.sdk.*']), span: attributeAllowList(['http.*', 'url.*', 'session.id']) });
    const resourceSpans = batch.resourceSpans[0]!;
    assert.deepEqual(resourceSpans.resource.attributes.map((a) => a.key).sort(), ['service.name', 'telemetry.sdk.language', 'telemetry.sdk.name']);
    const [fetchSpan, step] = ['HTTP POST', 'checkout'].map((name) => resourceSpans.scopeSpans[0]!.spans.find((span) => span.name === name)!);
    assert.deepEqual(
      step!.attributes.map((a) => a.key),
      ['session.id'],
    );
    const url = fetchSpan!.attributes.find((a) => a.key === 'url.full');
    assert.deepEqual(url?.value, { stringValue: 'https://edge.example/api/checkout' });
    assert.equal(
      fetchSpan!.attributes.some((a) => a.key === 'url.query'),
      false,
    );
    assert.deepEqual(
      fetchSpan!.events[0]!.attributes.map((a) => a.key),
      ['http.note'],
    );
    assert.deepEqual(fetchSpan!.links[0]!.attributes, []);
  });
});

describe('clock skew', () => {
  const now = 1_700_000_100_000;
  it('is the offset between the worker and the browser clocks', () => {
    assert.equal(clockSkewMillis(String(now - 90_000), now), 90_000);
    assert.equal(clockSkewMillis(String(now + 5_000), now), -5_000);
  });

  it('ignores offsets under the threshold (transit time), at the boundary too', () => {
    assert.equal(clockSkewMillis(String(now - 999), now), 0);
    assert.equal(clockSkewMillis(String(now - 1_000), now), 1_000);
    assert.equal(clockSkewMillis(String(now - 4_000), now, { minSkewMillis: 5_000 }), 0);
  });

  it('caps the correction in both directions', () => {
    assert.equal(clockSkewMillis('0', now), 86_400_000);
    assert.equal(clockSkewMillis(String(now + 10 * 86_400_000), now), -86_400_000);
    assert.equal(clockSkewMillis(String(now - 7_200_000), now, { maxSkewMillis: 3_600_000 }), 3_600_000);
  });

  it('ignores a missing or malformed reading', () => {
    for (const sentAt of [null, undefined, '', 'yesterday', '-5', '1e12', '12345678901234567890']) {
      assert.equal(clockSkewMillis(sentAt, now), 0, String(sentAt));
    }
  });

  it('shifts span and event timestamps and records the offset on every span', async () => {
    const batch = await request();
    correctClockSkew(batch, 90_000);
    const spans = batch.resourceSpans[0]!.scopeSpans[0]!.spans;
    const fetchSpan = spans.find((span) => span.name === 'HTTP POST')!;
    assert.equal(fetchSpan.startTimeUnixNano, '1700000090005000000');
    assert.equal(fetchSpan.endTimeUnixNano, '1700000090050000000');
    assert.equal(fetchSpan.events[0]!.timeUnixNano, '1700000090040000000');
    for (const span of spans) {
      assert.deepEqual(span.attributes.find((a) => a.key === ATTR_JOURNEYTRACE_CLOCK_SKEW_MS)?.value, { intValue: '90000' });
    }
  });

  it('leaves the batch untouched without skew', async () => {
    const batch = await request();
    const before = structuredClone(batch);
    correctClockSkew(batch, 0);
    assert.deepEqual(batch, before);
  });
});

describe('rate limiter', () => {
  it('lets a client burst up to the limit, then refills over the window', () => {
    let time = 0;
    const take = createRateLimiter({ requestsPerWindow: 3, windowMillis: 3_000, now: () => time });
    // 0: sent; otherwise the wait until the next token (one per 1000 ms here).
    assert.deepEqual([take('a'), take('a'), take('a'), take('a')], [0, 0, 0, 1_000]);
    assert.equal(take('b'), 0, 'another client has its own bucket');
    time = 999;
    assert.equal(take('a'), 1);
    time = 1_000;
    assert.equal(take('a'), 0);
    assert.equal(take('a'), 1_000);
  });

  it('keeps at most maxClients buckets, forgetting the least recently seen', () => {
    const time = 0;
    const take = createRateLimiter({ requestsPerWindow: 1, maxClients: 2, now: () => time });
    assert.equal(take('a'), 0);
    assert.equal(take('b'), 0);
    assert.notEqual(take('a'), 0); // a is now the most recently seen
    assert.equal(take('c'), 0); // evicts b
    assert.notEqual(take('a'), 0, 'a was kept');
    assert.equal(take('b'), 0, 'b was forgotten and starts afresh');
  });

  it('stays bounded under a flood of addresses', () => {
    const take = createRateLimiter({ requestsPerWindow: 1, maxClients: 100 });
    for (let i = 0; i < 100_000; i++) take(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(take('10.0.1.0'), 0, 'an early address was evicted');
  });
});

describe('readLimitedBody', () => {
  const stream = (...chunks: Uint8Array[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
  const gzip = async (bytes: Uint8Array) =>
    new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());

  it('reads a body at the limit and refuses one byte more, counting streamed chunks', async () => {
    const ok = await readLimitedBody(stream(new Uint8Array(6), new Uint8Array(4)), false, 10);
    assert.ok(ok.ok && ok.bytes.length === 10);
    const over = await readLimitedBody(stream(new Uint8Array(6), new Uint8Array(5)), false, 10);
    assert.deepEqual(over, { ok: false, status: 413, reason: 'body exceeds 10 bytes' });
  });

  it('stops reading an endless stream: the limit, then a bounded drain so the 413 reaches the client', async () => {
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulls++;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const result = await readLimitedBody(endless, false, 64 * 1024);
    assert.equal(result.ok, false);
    const kib = 64 * (1 + DRAIN_FACTOR);
    assert.ok(pulls >= kib && pulls < kib + 8, `read ${pulls} KiB`);
  });

  it('an oversized body that ends within the drain is read to its end', async () => {
    let cancelled = false;
    const chunks = [new Uint8Array(60 * 1024), new Uint8Array(60 * 1024)];
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) => (chunks.length ? controller.enqueue(chunks.shift()!) : controller.close()),
      cancel: () => {
        cancelled = true;
      },
    });
    assert.equal((await readLimitedBody(body, false, 64 * 1024)).ok, false);
    assert.equal(cancelled, false);
  });

  it('decodes gzip and limits the decoded size (a small bomb is refused)', async () => {
    const text = new TextEncoder().encode('{"resourceSpans":[]}');
    const decoded = await readLimitedBody(stream(await gzip(text)), true, 1024);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.bytes, text);
    const bomb = await gzip(new Uint8Array(1024 * 1024));
    assert.ok(bomb.length < 2048);
    const refused = await readLimitedBody(stream(bomb), true, 64 * 1024);
    assert.deepEqual(refused, { ok: false, status: 413, reason: 'decoded body exceeds 65536 bytes' });
  });

  it('refuses corrupt and truncated gzip with 400', async () => {
    const good = await gzip(new TextEncoder().encode('x'.repeat(5000)));
    for (const bad of [new TextEncoder().encode('not gzip at all'), good.subarray(0, good.length - 8), good.subarray(0, 20)]) {
      const result = await readLimitedBody(stream(bad), true, 1024 * 1024);
      assert.deepEqual(result, { ok: false, status: 400, reason: 'body is not valid gzip' });
    }
  });

  it('treats a missing body as empty', async () => {
    const result = await readLimitedBody(null, false, 10);
    assert.ok(result.ok && result.bytes.length === 0);
  });
});
