import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JourneySpanProcessor } from './JourneySpanProcessor.js';
import { KEEPALIVE_BUDGET_BYTES, OtlpHttpTransport, retryAfterMillis, withSentAt, type OtlpHttpTransportOptions } from './OtlpHttpTransport.js';

const resource = resourceFromAttributes({ 'service.name': 'test' });

function endedSpan(i: number, flags = TraceFlags.SAMPLED, padding = 0): ReadableSpan {
  return {
    name: `span-${i}`,
    kind: 0,
    spanContext: () => ({ traceId: 'a'.repeat(32), spanId: i.toString(16).padStart(16, '0'), traceFlags: flags }),
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: 0 },
    attributes: padding ? { padding: 'x'.repeat(padding) } : {},
    links: [],
    events: [],
    duration: [1, 0],
    ended: true,
    resource,
    instrumentationScope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a script of statuses (`'network'` throws) and records each call. */
function scriptedFetch(statuses: Array<number | 'network'>, headers: Record<string, string> = {}) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const status = statuses.shift() ?? 200;
    if (status === 'network') throw new TypeError('Failed to fetch');
    return new Response(null, { status, headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

function transport(fetch: typeof globalThis.fetch, overrides: Partial<OtlpHttpTransportOptions> = {}) {
  const sleeps: number[] = [];
  const t = new OtlpHttpTransport({
    url: 'https://shop.example/v1/traces',
    sendClockReading: false,
    compression: 'none',
    fetch,
    now: () => 1764000000123,
    maxAttempts: 4,
    initialBackoffMillis: 100,
    maxBackoffMillis: 1000,
    sleep: async (millis) => void sleeps.push(millis),
    ...overrides,
  });
  return { transport: t, sleeps };
}

const body = new TextEncoder().encode('{}');

describe('OtlpHttpTransport', () => {
  it('retries 429, 5xx and network errors with growing backoff, then succeeds', async () => {
    const { fetch, calls } = scriptedFetch([503, 'network', 429, 200]);
    const { transport: t, sleeps } = transport(fetch);
    assert.equal(await t.send(body, false), 'sent');
    assert.equal(calls.length, 4);
    assert.equal(sleeps.length, 3);
    assert.ok(sleeps[0]! >= 50 && sleeps[0]! <= 100 && sleeps[2]! >= 200 && sleeps[2]! <= 400, String(sleeps));
  });

  it('gives up after maxAttempts', async () => {
    const { fetch, calls } = scriptedFetch([500, 500, 500, 500, 200]);
    assert.equal(await transport(fetch).transport.send(body, false), 'failed');
    assert.equal(calls.length, 4);
  });

  it('times out a request that never answers, and retries it', async () => {
    let calls = 0;
    const hanging = ((_url: string, init: RequestInit) => {
      calls += 1;
      if (calls > 1) return Promise.resolve(new Response(null, { status: 200 }));
      return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    }) as unknown as typeof globalThis.fetch;
    const keepLoopAlive = setTimeout(() => undefined, 5000); // AbortSignal.timeout's timer does not, in Node.
    assert.equal(await transport(hanging, { timeoutMillis: 20 }).transport.send(body, false), 'sent');
    clearTimeout(keepLoopAlive);
    assert.equal(calls, 2);
  });

  it('does not retry a refusal (4xx other than 429)', async () => {
    const { fetch, calls } = scriptedFetch([400]);
    assert.equal(await transport(fetch).transport.send(body, false), 'rejected');
    assert.equal(calls.length, 1);
  });

  it('honours Retry-After, capped', async () => {
    const { fetch } = scriptedFetch([429, 200], { 'retry-after': '0' });
    const { transport: t, sleeps } = transport(fetch);
    await t.send(body, false);
    assert.deepEqual(sleeps, [0]);
    assert.equal(retryAfterMillis('120'), 120_000);
    assert.equal(retryAfterMillis('Thu, 01 Jan 1970 00:00:10 GMT', 0), 10_000);
    assert.equal(retryAfterMillis('soon'), undefined);
  });

  it('sends the browser clock reading to a relay, and JSON with keepalive when asked', async () => {
    const { fetch, calls } = scriptedFetch([200]);
    await transport(fetch, { sendClockReading: true }).transport.send(body, true);
    assert.equal(calls[0]!.url, 'https://shop.example/v1/traces?sent_at=1764000000123');
    assert.equal(calls[0]!.init.keepalive, true);
    assert.equal((calls[0]!.init.headers as Record<string, string>)['content-type'], 'application/json');
    assert.equal(withSentAt('/v1/traces?a=1', 5), '/v1/traces?a=1&sent_at=5');
  });

  it('gzips when asked and not leaving the page', async () => {
    const { fetch, calls } = scriptedFetch([200]);
    await transport(fetch, { compression: 'gzip' }).transport.send(new TextEncoder().encode('{"resourceSpans":[]}'), false);
    assert.equal((calls[0]!.init.headers as Record<string, string>)['content-encoding'], 'gzip');
    const sent = calls[0]!.init.body as Uint8Array;
    assert.deepEqual([sent[0], sent[1]], [0x1f, 0x8b]);
    const plain = await new Response(new Blob([sent as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
    assert.equal(plain, '{"resourceSpans":[]}');
  });
});

describe('JourneySpanProcessor', () => {
  const options = { maxQueueSize: 10, maxExportBatchSize: 4, scheduledDelayMillis: 10 };

  it('exports sampled spans in batches and skips unsampled ones', async () => {
    const { fetch, calls } = scriptedFetch([]);
    const processor = new JourneySpanProcessor(transport(fetch).transport, options);
    for (let i = 0; i < 6; i += 1) processor.onEnd(endedSpan(i));
    processor.onEnd(endedSpan(99, TraceFlags.NONE));
    await processor.forceFlush();
    const names = calls.map((call) => JSON.parse(new TextDecoder().decode(call.init.body as Uint8Array)).resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name));
    assert.deepEqual(names.flat().sort(), ['span-0', 'span-1', 'span-2', 'span-3', 'span-4', 'span-5']);
    assert.ok(names.every((batch) => batch.length <= 4));
    assert.equal(processor.droppedSpans, 0);
  });

  it('bounds the queue and counts what it drops', async () => {
    const { fetch } = scriptedFetch([]);
    const processor = new JourneySpanProcessor(transport(fetch).transport, { ...options, maxExportBatchSize: 100 });
    for (let i = 0; i < 15; i += 1) processor.onEnd(endedSpan(i));
    assert.equal(processor.droppedSpans, 5);
    await processor.forceFlush();
  });

  it('counts spans the endpoint refused or that failed every retry', async () => {
    const { fetch } = scriptedFetch([400, 500, 500, 500, 500]);
    const processor = new JourneySpanProcessor(transport(fetch).transport, { ...options, maxExportBatchSize: 2 });
    for (let i = 0; i < 4; i += 1) processor.onEnd(endedSpan(i));
    await processor.forceFlush();
    assert.equal(processor.droppedSpans, 4);
  });

  it('on hide, sends everything with keepalive requests that fit the 64 KiB budget together', async () => {
    const { fetch, calls } = scriptedFetch([]);
    const processor = new JourneySpanProcessor(transport(fetch).transport, { maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 60_000 });
    for (let i = 0; i < 6; i += 1) processor.onEnd(endedSpan(i, TraceFlags.SAMPLED, 9000));
    processor.flushOnHide();
    assert.ok(calls.length >= 1);
    assert.ok(calls.every((call) => call.init.keepalive === true));
    const total = calls.reduce((sum, call) => sum + (call.init.body as Uint8Array).byteLength, 0);
    assert.ok(total <= KEEPALIVE_BUDGET_BYTES, `total ${total}`);
    const sent = calls.flatMap((call) => JSON.parse(new TextDecoder().decode(call.init.body as Uint8Array)).resourceSpans[0].scopeSpans[0].spans);
    assert.equal(sent.length, 6);
    await processor.forceFlush();
  });

  it('on hide, keeps what is over the budget queued for later instead of losing it', async () => {
    const { fetch, calls } = scriptedFetch([]);
    const processor = new JourneySpanProcessor(transport(fetch).transport, { maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 1 });
    for (let i = 0; i < 10; i += 1) processor.onEnd(endedSpan(i, TraceFlags.SAMPLED, 9000));
    processor.flushOnHide();
    const onHide = calls.length;
    await processor.forceFlush();
    assert.ok(calls.length > onHide);
    const sent = calls.flatMap((call) => JSON.parse(new TextDecoder().decode(call.init.body as Uint8Array)).resourceSpans[0].scopeSpans[0].spans);
    assert.equal(sent.length, 10);
    assert.equal(processor.droppedSpans, 0);
  });
});
