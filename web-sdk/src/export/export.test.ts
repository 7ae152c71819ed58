import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagLogLevel, TraceFlags, diag } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { DEFAULT_RETRY_POLICY } from '@journeytrace/contract';
import { fetchAnswering, matchesRetryAfter, RETRY_CASES } from '@journeytrace/contract/retry-cases';
import { journeySpanProcessor, type Timers } from './JourneySpanProcessor.js';
import { KEEPALIVE_BUDGET_BYTES, otlpHttpTransport, SENT_AT_HEADER, type OtlpHttpTransportOptions, type SendOutcome } from './OtlpHttpTransport.js';

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
  const t = otlpHttpTransport({
    url: 'https://shop.example/v1/traces',
    sendClockReading: false,
    compression: 'none',
    fetch,
    now: () => 1764000000123,
    ...overrides,
  });
  return { transport: t };
}

const body = new TextEncoder().encode('{}');

describe('OtlpHttpTransport', () => {
  it('sends once: 2xx is sent; 408, 429, 5xx and network errors are worth a retry; other 4xx are refusals', async () => {
    const cases: Array<[number | 'network', SendOutcome['outcome']]> = [
      [200, 'sent'],
      [204, 'sent'],
      [408, 'retry'],
      [429, 'retry'],
      [500, 'retry'],
      [503, 'retry'],
      ['network', 'retry'],
      [400, 'rejected'],
      [403, 'rejected'],
      [413, 'rejected'],
    ];
    for (const [status, expected] of cases) {
      const { fetch, calls } = scriptedFetch([status]);
      assert.equal((await transport(fetch).transport.send(body, false)).outcome, expected, String(status));
      assert.equal(calls.length, 1, String(status));
    }
    assert.deepEqual(await transport(scriptedFetch([400]).fetch).transport.send(body, false), { outcome: 'rejected', status: 400 });
  });

  it('reads an OTLP partial success: what the endpoint left out of an accepted request, and why', async () => {
    const answering = (text: string) =>
      (async () => new Response(text, { status: 200, headers: { 'content-type': 'application/json' } })) as unknown as typeof globalThis.fetch;
    assert.deepEqual(
      await transport(answering('{"partialSuccess":{"rejectedSpans":"2","errorMessage":"span \\"x\\": missing or invalid spanId"}}')).transport.send(
        body,
        false,
      ),
      {
        outcome: 'sent',
        rejectedSpans: 2,
        rejectedReason: 'span "x": missing or invalid spanId',
      },
    );
    // A collector's own answers: nothing rejected, or nothing said.
    for (const text of ['{}', '{"partialSuccess":{}}', '{"partialSuccess":{"rejectedSpans":"0"}}', 'not json']) {
      assert.deepEqual(await transport(answering(text)).transport.send(body, false), { outcome: 'sent' }, text);
    }
  });

  it('passes Retry-After on', async () => {
    assert.deepEqual(await transport(scriptedFetch([429], { 'retry-after': '7' }).fetch).transport.send(body, false), {
      outcome: 'retry',
      retryAfterMillis: 7000,
    });
    assert.deepEqual(await transport(scriptedFetch([503]).fetch).transport.send(body, false), { outcome: 'retry', retryAfterMillis: undefined });
  });

  it('times out a request that never answers: worth a retry', async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof globalThis.fetch;
    const keepLoopAlive = setTimeout(() => undefined, 5000); // AbortSignal.timeout's timer does not, in Node.
    assert.equal((await transport(hanging, { timeoutMillis: 20 }).transport.send(body, false)).outcome, 'retry');
    clearTimeout(keepLoopAlive);
  });

  it('sends the browser clock reading to a relay, and JSON with keepalive when asked', async () => {
    const { fetch, calls } = scriptedFetch([200]);
    await transport(fetch, { sendClockReading: true }).transport.send(body, true);
    // In a header: the URL stays the same, so the browser's cached CORS preflight is reused.
    assert.equal(calls[0]!.url, 'https://shop.example/v1/traces');
    assert.equal(SENT_AT_HEADER, 'journeytrace-sent-at');
    assert.equal((calls[0]!.init.headers as Record<string, string>)[SENT_AT_HEADER], '1764000000123');
    assert.equal(calls[0]!.init.keepalive, true);
    assert.equal((calls[0]!.init.headers as Record<string, string>)['content-type'], 'application/json');
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

describe('the browser transport against the contract’s retry cases', () => {
  for (const retryCase of RETRY_CASES) {
    it(retryCase.name, async () => {
      const outcome = await transport(fetchAnswering(retryCase)).transport.send(body, false);
      if (!retryCase.retry) return assert.deepEqual(outcome, { outcome: 'rejected', status: retryCase.status });
      assert.equal(outcome.outcome, 'retry');
      assert.ok(outcome.outcome === 'retry' && matchesRetryAfter(retryCase, outcome.retryAfterMillis), JSON.stringify(outcome));
    });
  }
});

/** Timers and a clock that move only when told, for schedules of many seconds. */
class FakeTime implements Timers {
  now = 0;
  private _next = 1;
  private _timers = new Map<number, { at: number; callback: () => void }>();

  set(callback: () => void, millis: number): unknown {
    const handle = this._next++;
    this._timers.set(handle, { at: this.now + millis, callback });
    return handle;
  }

  clear(handle: unknown): void {
    this._timers.delete(handle as number);
  }

  /** Moves the clock on by `millis`, running each timer due on the way and letting its promises settle. */
  async advance(millis: number): Promise<void> {
    const until = this.now + millis;
    for (;;) {
      await settle();
      const due = [...this._timers.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this._timers.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      due[1].callback();
    }
    this.now = until;
    await settle();
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

type Answer = SendOutcome | 'hang';

/**
 * A transport whose answer is decided at each send (`answer`), recording every body, with the
 * keepalive budget of a browser: keepalive bodies count against it until answered.
 */
function fakeTransport(answer: (call: number) => Answer) {
  const sends: Array<{ names: string[]; keepalive: boolean; bytes: number; outcome: SendOutcome['outcome'] | 'hang' }> = [];
  let keepaliveInFlight = 0;
  const pending: Array<() => void> = [];
  const fake = {
    keepaliveBytesLeft: () => KEEPALIVE_BUDGET_BYTES - keepaliveInFlight,
    async send(sent: Uint8Array, keepalive: boolean): Promise<SendOutcome> {
      const outcome = answer(sends.length);
      const names = (
        JSON.parse(new TextDecoder().decode(sent)) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> }
      ).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => span.name)));
      sends.push({ names, keepalive, bytes: sent.byteLength, outcome: outcome === 'hang' ? 'hang' : outcome.outcome });
      if (keepalive) keepaliveInFlight += sent.byteLength;
      if (outcome === 'hang') await new Promise<void>((resolve) => pending.push(resolve));
      if (keepalive) keepaliveInFlight -= sent.byteLength;
      return outcome === 'hang' ? { outcome: 'sent' } : outcome;
    },
  };
  const delivered = () => sends.filter((send) => send.outcome === 'sent').flatMap((send) => send.names);
  const release = () => {
    for (const resolve of pending.splice(0)) resolve();
  };
  return { transport: fake, sends, delivered, release };
}

const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `span-${from + i}`);
const SENT: SendOutcome = { outcome: 'sent' };
const DOWN: SendOutcome = { outcome: 'retry' };

/** Captures what the SDK reports through diag. */
function captureDiag(): { warnings: string[]; restore(): void } {
  const warnings: string[] = [];
  const noop = () => undefined;
  diag.setLogger({ error: noop, info: noop, debug: noop, verbose: noop, warn: (message: string) => void warnings.push(message) }, DiagLogLevel.WARN);
  return { warnings, restore: () => diag.disable() };
}

describe('JourneySpanProcessor', () => {
  const options = { maxQueueSize: 100, maxExportBatchSize: 4, scheduledDelayMillis: 1000 };

  it('exports sampled spans in batches and skips unsampled ones', async () => {
    const { transport: fake, sends, delivered } = fakeTransport(() => SENT);
    const time = new FakeTime();
    const processor = journeySpanProcessor(fake, options, time, () => time.now);
    for (let i = 0; i < 6; i += 1) processor.onEnd(endedSpan(i));
    processor.onEnd(endedSpan(99, TraceFlags.NONE));
    await processor.forceFlush();
    assert.deepEqual(delivered(), names(0, 6));
    assert.ok(sends.every((send) => send.names.length <= 4));
    assert.equal(processor.droppedSpans, 0);
  });

  it('a 30 s outage: spans wait in the queue, are retried with backoff, and all arrive in order once the endpoint is back', async () => {
    const time = new FakeTime();
    let up = false;
    const { transport: fake, sends, delivered } = fakeTransport(() => (up ? SENT : DOWN));
    const processor = journeySpanProcessor(fake, options, time, () => time.now);
    // One span every 500 ms for 30 s, while nothing gets through.
    for (let i = 0; i < 60; i += 1) {
      processor.onEnd(endedSpan(i));
      await time.advance(500);
    }
    assert.deepEqual(delivered(), []);
    const triesDuringOutage = sends.length;
    assert.ok(triesDuringOutage >= 6, `tries during the outage: ${triesDuringOutage}`);
    // While down, one probe at a time and at most one per backoff (1, 2, 4, then every <= 5 s).
    assert.ok(triesDuringOutage <= 12, `tries during the outage: ${triesDuringOutage}`);
    up = true;
    await time.advance(DEFAULT_RETRY_POLICY.maxBackoffMillis + options.scheduledDelayMillis);
    assert.deepEqual(delivered(), names(0, 60));
    assert.equal(processor.droppedSpans, 0);
    assert.equal(processor.queuedSpans, 0);
  });

  it('honours Retry-After before the next try', async () => {
    const time = new FakeTime();
    const { transport: fake, sends, delivered } = fakeTransport((call) => (call === 0 ? { outcome: 'retry', retryAfterMillis: 20_000 } : SENT));
    const processor = journeySpanProcessor(fake, options, time, () => time.now);
    for (let i = 0; i < 4; i += 1) processor.onEnd(endedSpan(i));
    await time.advance(19_000);
    processor.onEnd(endedSpan(4));
    await time.advance(500);
    assert.equal(sends.length, 1);
    await time.advance(1000);
    assert.deepEqual(delivered(), names(0, 5));
  });

  it('during an outage holds at most maxQueueSize spans: the oldest are kept, the rest dropped, counted and reported', async () => {
    const diagnostics = captureDiag();
    try {
      const time = new FakeTime();
      let up = false;
      const { transport: fake, delivered } = fakeTransport(() => (up ? SENT : DOWN));
      const processor = journeySpanProcessor(fake, { maxQueueSize: 10, maxExportBatchSize: 4, scheduledDelayMillis: 100 }, time, () => time.now);
      for (let i = 0; i < 25; i += 1) {
        processor.onEnd(endedSpan(i));
        await time.advance(400);
      }
      assert.equal(processor.droppedSpans, 15);
      up = true;
      await time.advance(10_000);
      assert.deepEqual(delivered(), names(0, 10));
      assert.equal(processor.droppedSpans, 15);
      assert.ok(
        diagnostics.warnings.some((message) => /dropped \d+ spans .*; 15 dropped so far/.test(message)),
        diagnostics.warnings.join('\n'),
      );
    } finally {
      diagnostics.restore();
    }
  });

  it('drops and counts what the endpoint refuses (4xx), without retrying it; 429 is retried', async () => {
    const diagnostics = captureDiag();
    try {
      const time = new FakeTime();
      const {
        transport: fake,
        sends,
        delivered,
      } = fakeTransport((call) => (call === 0 ? { outcome: 'rejected', status: 403 } : call === 1 ? { outcome: 'retry', retryAfterMillis: 0 } : SENT));
      const processor = journeySpanProcessor(fake, { ...options, maxExportBatchSize: 2 }, time, () => time.now);
      for (let i = 0; i < 4; i += 1) processor.onEnd(endedSpan(i));
      await time.advance(5000);
      assert.equal(processor.droppedSpans, 2);
      assert.deepEqual(delivered(), names(2, 4));
      assert.deepEqual(
        sends.map((send) => send.names),
        [names(0, 2), names(2, 4), names(2, 4)],
      );
      assert.ok(
        diagnostics.warnings.some((message) => message.includes('HTTP 403')),
        diagnostics.warnings.join('\n'),
      );
    } finally {
      diagnostics.restore();
    }
  });

  it('counts and reports the spans an endpoint left out of an accepted batch (partial success)', async () => {
    const diagnostics = captureDiag();
    try {
      const time = new FakeTime();
      const { transport: fake, delivered } = fakeTransport(() => ({
        outcome: 'sent',
        rejectedSpans: 1,
        rejectedReason: 'span "span-1": missing or invalid spanId',
      }));
      const processor = journeySpanProcessor(fake, { ...options, maxExportBatchSize: 4 }, time, () => time.now);
      for (let i = 0; i < 4; i += 1) processor.onEnd(endedSpan(i));
      await processor.forceFlush();
      await Promise.resolve();
      assert.equal(delivered().length, 4, 'the batch went once, not again');
      assert.equal(processor.droppedSpans, 1);
      assert.ok(
        diagnostics.warnings.some((message) => message.includes('missing or invalid spanId')),
        diagnostics.warnings.join('\n'),
      );
    } finally {
      diagnostics.restore();
    }
  });

  /** A transport that refuses (`status`) any body holding one of `bad`, or more than `maxSpans` spans. */
  function pickyTransport(status: number, bad: string[], maxSpans = Infinity) {
    let refusing = false;
    const fake = fakeTransport(() => (refusing ? { outcome: 'rejected', status } : SENT));
    const send = fake.transport.send.bind(fake.transport);
    fake.transport.send = async (sent: Uint8Array, keepalive: boolean) => {
      const text = new TextDecoder().decode(sent);
      refusing = bad.some((name) => text.includes(`"${name}"`)) || (text.match(/"spanId"/g)?.length ?? 0) > maxSpans;
      return send(sent, keepalive);
    };
    return fake;
  }

  it('a batch refused with 400 for one span goes again in halves: only that span is lost', async () => {
    const time = new FakeTime();
    const { transport: fake, sends, delivered } = pickyTransport(400, ['span-5']);
    const processor = journeySpanProcessor(fake, { ...options, maxExportBatchSize: 8 }, time, () => time.now);
    for (let i = 0; i < 8; i += 1) processor.onEnd(endedSpan(i));
    await processor.forceFlush();
    assert.deepEqual(
      [...delivered()].sort(),
      names(0, 8)
        .filter((name) => name !== 'span-5')
        .sort(),
    );
    assert.equal(processor.droppedSpans, 1);
    assert.equal(sends.length, 7, 'the batch, then halves of 4, 2 and 1 around the bad span');
  });

  it('a batch refused with 413 goes again in halves until each fits', async () => {
    const time = new FakeTime();
    const { transport: fake, delivered } = pickyTransport(413, [], 2);
    const processor = journeySpanProcessor(fake, { ...options, maxExportBatchSize: 8 }, time, () => time.now);
    for (let i = 0; i < 8; i += 1) processor.onEnd(endedSpan(i));
    await processor.forceFlush();
    assert.deepEqual([...delivered()].sort(), names(0, 8).sort());
    assert.equal(processor.droppedSpans, 0);
  });

  it('a batch refused whole is split a bounded number of times, then dropped and counted', async () => {
    const time = new FakeTime();
    const all = names(0, 64);
    const { transport: fake, sends } = pickyTransport(400, all);
    const processor = journeySpanProcessor(fake, { ...options, maxQueueSize: 100, maxExportBatchSize: 64 }, time, () => time.now);
    for (let i = 0; i < 64; i += 1) processor.onEnd(endedSpan(i));
    await processor.forceFlush();
    assert.equal(processor.droppedSpans, 64);
    assert.ok(sends.length <= 1 + 2 * 8, `requests: ${sends.length}`);
  });

  it('forceFlush during an outage tries once and returns; the spans stay queued for the schedule', async () => {
    const time = new FakeTime();
    let up = false;
    const { transport: fake, delivered } = fakeTransport(() => (up ? SENT : DOWN));
    const processor = journeySpanProcessor(fake, options, time, () => time.now);
    for (let i = 0; i < 6; i += 1) processor.onEnd(endedSpan(i));
    await processor.forceFlush();
    assert.equal(processor.queuedSpans, 6);
    up = true;
    await time.advance(DEFAULT_RETRY_POLICY.maxBackoffMillis + options.scheduledDelayMillis);
    assert.deepEqual(delivered(), names(0, 6));
  });

  it('after shutdown, no timer is left behind and nothing more is sent', async () => {
    const time = new FakeTime();
    const { transport: fake, sends } = fakeTransport(() => DOWN);
    const processor = journeySpanProcessor(fake, options, time, () => time.now);
    for (let i = 0; i < 3; i += 1) processor.onEnd(endedSpan(i));
    await processor.shutdown();
    const tries = sends.length;
    processor.onEnd(endedSpan(3));
    await time.advance(60_000);
    assert.equal(sends.length, tries);
  });

  it('on hide after an outage, sends what was waiting with keepalive requests that fit the 64 KiB budget together', async () => {
    const time = new FakeTime();
    let up = false;
    const { transport: fake, sends } = fakeTransport(() => (up ? 'hang' : DOWN));
    const processor = journeySpanProcessor(fake, { maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 100 }, time, () => time.now);
    for (let i = 0; i < 12; i += 1) processor.onEnd(endedSpan(i, TraceFlags.SAMPLED, 9000));
    await time.advance(200);
    assert.equal(processor.queuedSpans, 12);
    up = true;
    processor.flushOnHide();
    const onHide = sends.filter((send) => send.keepalive);
    assert.ok(onHide.length >= 1);
    // Answers not in yet: every keepalive body counts against the budget at once.
    assert.ok(onHide.reduce((sum, send) => sum + send.bytes, 0) <= KEEPALIVE_BUDGET_BYTES);
    const sentOnHide = onHide.flatMap((send) => send.names);
    assert.deepEqual(sentOnHide, names(0, sentOnHide.length));
    assert.ok(processor.queuedSpans > 0 && processor.queuedSpans + sentOnHide.length === 12, 'what does not fit stays queued');
  });

  it('on hide, sends everything with keepalive requests that fit the 64 KiB budget together', async () => {
    const { fetch, calls } = scriptedFetch([]);
    const processor = journeySpanProcessor(transport(fetch).transport, { maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 60_000 });
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
    const processor = journeySpanProcessor(transport(fetch).transport, { maxQueueSize: 100, maxExportBatchSize: 100, scheduledDelayMillis: 1 });
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
