import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceFlags } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { journeySpanProcessor, type Timers } from './JourneySpanProcessor.js';
import { KEEPALIVE_BUDGET_BYTES, type SendOutcome } from './OtlpHttpTransport.js';
import type { OfflineStore, StoredBatch } from './offlineStore.js';

const resource = resourceFromAttributes({ 'service.name': 'test' });
const span = (i: number, padding = 0): ReadableSpan =>
  ({
    name: `span-${i}`,
    kind: 0,
    spanContext: () => ({ traceId: 'a'.repeat(32), spanId: (i + 1).toString(16).padStart(16, '0'), traceFlags: TraceFlags.SAMPLED }),
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
  }) as ReadableSpan;

const namesIn = (body: Uint8Array) =>
  (JSON.parse(new TextDecoder().decode(body)) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> }).resourceSpans.flatMap(
    (r) => r.scopeSpans.flatMap((s) => s.spans.map((one) => one.name)),
  );

/** Browser storage of one origin, shared by the pages a test opens one after another. */
function memoryStore(): OfflineStore & { batches: Map<string, StoredBatch> } {
  const batches = new Map<string, StoredBatch>();
  return {
    batches,
    put: (list) => list.forEach((batch) => void batches.set(batch.id, batch)),
    remove: (id) => void batches.delete(id),
    all: async () => [...batches.values()],
  };
}

/** An endpoint that is up or down (`up`), or never answers (`hang`); it records each request. */
function endpoint() {
  const state = { mode: 'down' as 'up' | 'down' | 'hang', sends: [] as Array<{ names: string[]; keepalive: boolean; id?: string; answered: boolean }> };
  let keepaliveInFlight = 0;
  const transport = {
    keepaliveBytesLeft: () => KEEPALIVE_BUDGET_BYTES - keepaliveInFlight,
    async send(body: Uint8Array, keepalive: boolean, id?: string): Promise<SendOutcome> {
      const send = { names: namesIn(body), keepalive, id, answered: state.mode === 'up' };
      state.sends.push(send);
      if (state.mode === 'hang') {
        if (keepalive) keepaliveInFlight += body.byteLength;
        return new Promise<SendOutcome>(() => {});
      }
      return state.mode === 'up' ? { outcome: 'sent' } : { outcome: 'retry' };
    },
  };
  const delivered = () => state.sends.filter((send) => send.answered).flatMap((send) => send.names);
  return { state, transport, delivered };
}

/** Timers run by hand: `run()` fires every timer set so far (the page's clock moved on), settling promises between. */
function manualTimers(): Timers & { run(): Promise<void> } {
  const timers = new Map<number, () => void>();
  let next = 0;
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    set: (callback) => {
      next += 1;
      timers.set(next, callback);
      return next;
    },
    clear: (handle) => void timers.delete(handle as number),
    async run() {
      for (let round = 0; round < 5 && timers.size; round += 1) {
        const due = [...timers.values()];
        timers.clear();
        for (const callback of due) callback();
        for (let i = 0; i < 5; i += 1) await settle();
      }
    },
  };
}

const page = (store: OfflineStore, transport: ReturnType<typeof endpoint>['transport'], now = () => 1_000) => {
  const timers = manualTimers();
  const processor = journeySpanProcessor(transport, { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 100, offlineStore: store }, timers, now);
  return { processor, timers };
};

describe('offline store at page hide', () => {
  it('while the endpoint fails, stores everything at hide (no keepalive), and the next page sends it once the endpoint is back, removing it after the 2xx', async () => {
    const store = memoryStore();
    const { state, transport, delivered } = endpoint();
    const first = page(store, transport);
    for (let i = 0; i < 15; i += 1) first.processor.onEnd(span(i));
    await first.timers.run(); // The exports fail: the endpoint is down.
    const triedBefore = state.sends.length;
    first.processor.flushOnHide(true);
    assert.equal(state.sends.length, triedBefore, 'no keepalive request into a failing endpoint');
    assert.equal(first.processor.queuedSpans, 0);
    assert.deepEqual([...store.batches.values()].flatMap((batch) => namesIn(batch.body)).sort(), Array.from({ length: 15 }, (_, i) => `span-${i}`).sort());

    state.mode = 'up';
    const next = page(store, transport);
    await next.timers.run();
    assert.deepEqual(delivered().sort(), Array.from({ length: 15 }, (_, i) => `span-${i}`).sort(), 'every span arrives, once');
    assert.equal(store.batches.size, 0, 'removed once answered with a 2xx');
    assert.equal(next.processor.droppedSpans, 0);
  });

  it("a batch the leaving page stored after the next page looked is sent after that page's next successful export", async () => {
    const store = memoryStore();
    // The leaving page's writes land late (an IndexedDB commit after the next page started).
    const pending: StoredBatch[][] = [];
    const lateStore: OfflineStore = { ...store, put: (batches) => void pending.push(batches) };
    const { state, transport, delivered } = endpoint();
    const first = page(lateStore, transport);
    first.processor.onEnd(span(1));
    await first.timers.run(); // The export fails: the endpoint is down.
    first.processor.flushOnHide(true);
    state.mode = 'up';
    const next = page(store, transport);
    await next.timers.run(); // Finds the store empty.
    for (const batches of pending) store.put(batches);
    assert.equal(store.batches.size, 1);
    next.processor.onEnd(span(2));
    await next.timers.run();
    assert.deepEqual(delivered().sort(), ['span-1', 'span-2']);
    assert.equal(store.batches.size, 0, 'removed once answered with a 2xx');
  });

  it('a failed batch is written ahead to the store at once (a page torn down without pagehide loses nothing), and its copy goes once memory delivers it', async () => {
    const store = memoryStore();
    const { state, transport, delivered } = endpoint();
    const first = page(store, transport);
    for (let i = 0; i < 3; i += 1) first.processor.onEnd(span(i));
    await first.timers.run(); // Fails: a copy is in the store now, before any page hide.
    assert.deepEqual([...store.batches.values()].flatMap((batch) => namesIn(batch.body)).sort(), ['span-0', 'span-1', 'span-2']);
    // This page lives on: the endpoint comes back and the retry from memory delivers the spans.
    state.mode = 'up';
    await first.timers.run();
    await first.timers.run();
    assert.deepEqual(delivered().sort(), ['span-0', 'span-1', 'span-2'], 'each once: the page does not also send its own copy');
    assert.equal(store.batches.size, 0, 'the copy is removed');
    // Had the page been torn down instead, the next page would have sent the copy.
    const second = memoryStore();
    const down = endpoint();
    const torn = page(second, down.transport);
    torn.processor.onEnd(span(9));
    await torn.timers.run();
    down.state.mode = 'up';
    await page(second, down.transport).timers.run();
    assert.deepEqual(down.delivered(), ['span-9']);
  });

  it('a stored batch stays while the endpoint still fails, and carries the same batch id on every try', async () => {
    const store = memoryStore();
    const { state, transport } = endpoint();
    const first = page(store, transport);
    first.processor.onEnd(span(1));
    await first.timers.run();
    first.processor.flushOnHide(true);
    const [stored] = [...store.batches.values()];
    const next = page(store, transport);
    await next.timers.run();
    assert.equal(store.batches.size, 1, 'not removed without a 2xx');
    state.mode = 'up';
    await next.timers.run();
    assert.equal(store.batches.size, 0);
    assert.deepEqual(new Set(state.sends.filter((send) => send.names.includes('span-1') && send.id === stored!.id).map((send) => send.id)).size, 1);
  });

  it('stores what does not fit the keepalive budget, and (leaving) the requests still unanswered, under their own batch ids', async () => {
    const store = memoryStore();
    const { state, transport } = endpoint();
    state.mode = 'hang';
    const { processor, timers } = page(store, transport);
    for (let i = 0; i < 10; i += 1) processor.onEnd(span(i, 9000)); // A full batch goes at once, and hangs.
    await timers.run();
    const inFlight = state.sends.at(-1)!;
    for (let i = 10; i < 19; i += 1) processor.onEnd(span(i, 9000)); // Not a full batch: queued.
    processor.flushOnHide(true);
    const sentOnHide = state.sends.filter((send) => send.keepalive).flatMap((send) => send.names);
    const stored = [...store.batches.values()];
    const storedNames = stored.flatMap((batch) => namesIn(batch.body));
    assert.ok(sentOnHide.length > 0 && sentOnHide.length < 10, 'part goes with keepalive');
    assert.deepEqual([...sentOnHide, ...storedNames].sort(), Array.from({ length: 19 }, (_, i) => `span-${i}`).sort(), 'the rest is stored');
    assert.ok(
      stored.some((batch) => batch.id === inFlight.id),
      'the unanswered request is kept under its own id (a repeat the relay can drop)',
    );
  });

  it('drops the oldest stored batches over the age bound, and counts them', async () => {
    const store = memoryStore();
    store.put([{ id: 'old', body: new TextEncoder().encode('{"resourceSpans":[]}'), spans: 7, at: 0 }]);
    const { transport, state } = endpoint();
    state.mode = 'up';
    const { processor, timers } = page(store, transport, () => 25 * 60 * 60 * 1000);
    await timers.run();
    assert.equal(store.batches.size, 0);
    assert.equal(processor.droppedSpans, 7);
    assert.equal(state.sends.length, 0, 'an expired batch is not sent');
  });
});
