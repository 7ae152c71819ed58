import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { JourneytraceSpill } from './JourneytraceSpill.js';
import { batchesOverBounds } from './spillBounds.js';
import { BATCH_ID_HEADER, SPAN_COUNT_HEADER } from './spillProtocol.js';
import type { SpillStorage } from './types.js';

/** DurableObjectStorage's key-value calls over a sorted Map, as the runtime lists keys in order. */
function memoryStorage(): SpillStorage & { alarm: number | null; alarmsSet: number; data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  const storage = {
    data,
    alarm: null as number | null,
    /** setAlarm calls so far: an alarm set again within the same millisecond is still a new one. */
    alarmsSet: 0,
    get: async <T>(key: string) => structuredClone(data.get(key)) as T | undefined,
    put: async (entries: Record<string, unknown>) => void Object.entries(entries).forEach(([key, value]) => void data.set(key, structuredClone(value))),
    delete: async (keys: string[]) => keys.filter((key) => data.delete(key)).length,
    list: async <T>({ prefix, limit = Infinity }: { prefix: string; limit?: number }) =>
      new Map(
        [...data.keys()]
          .filter((key) => key.startsWith(prefix))
          .sort()
          .slice(0, limit)
          .map((key) => [key, structuredClone(data.get(key)) as T]),
      ),
    getAlarm: async () => storage.alarm,
    setAlarm: async (time: number) => {
      storage.alarm = time;
      storage.alarmsSet += 1;
    },
  };
  return storage;
}

const post = (body: string, spans: number, batchId?: string) =>
  new Request('https://spill/batches', {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SPAN_COUNT_HEADER]: String(spans), ...(batchId ? { [BATCH_ID_HEADER]: batchId } : {}) },
    body,
  });

function collector(statuses: number[]) {
  const received: string[] = [];
  const fetch = (async (_url: string, init: RequestInit) => {
    const status = statuses.shift() ?? 200;
    if (status === 0) throw new TypeError('connection refused');
    if (status < 300) received.push(new TextDecoder().decode(init.body as Uint8Array));
    return new Response(null, { status });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, received };
}

const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };

describe('JourneytraceSpill', () => {
  it('holds batches on disk and sends them in order once the collector takes them, retrying after failures', async () => {
    const storage = memoryStorage();
    const { fetch, received } = collector([0, 503, 200, 200]);
    const spill = new JourneytraceSpill({ storage }, env, { fetch });
    assert.equal((await spill.fetch(post('first', 3))).status, 202);
    assert.equal((await spill.fetch(post('second', 2))).status, 202);
    assert.notEqual(storage.alarm, null, 'an alarm is set for the delivery');

    await spill.alarm(); // Unreachable: nothing leaves the store.
    await spill.alarm(); // 503: still held.
    assert.equal([...storage.data.keys()].filter((key) => key.startsWith('b:')).length, 2);
    await spill.alarm();
    assert.deepEqual(received, ['first', 'second']);
    assert.equal([...storage.data.keys()].filter((key) => key.startsWith('b:')).length, 0, 'delivered batches are deleted');
  });

  it('a batch spilled while the alarm waits on the collector is neither overwritten nor left without an alarm', async () => {
    const storage = memoryStorage();
    const received: string[] = [];
    let spill: JourneytraceSpill | undefined;
    let spilledMeanwhile = false;
    // A collector that answers late: meanwhile the runtime lets another spill in (the input gate opens on I/O).
    const fetch = (async (_url: string, init: RequestInit) => {
      if (!spilledMeanwhile) {
        spilledMeanwhile = true;
        assert.equal((await spill!.fetch(post('meanwhile', 1))).status, 202);
      }
      received.push(new TextDecoder().decode(init.body as Uint8Array));
      return new Response(null, { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    spill = new JourneytraceSpill({ storage }, env, { fetch });
    await spill.fetch(post('first', 1));
    // The alarm that runs: the runtime still reports it while its handler runs, and clears it after.
    const setBefore = storage.alarmsSet;
    await spill.alarm();
    if (storage.alarmsSet === setBefore) storage.alarm = null;
    assert.notEqual(storage.alarm, null, 'another alarm for what came in meanwhile');
    // Spilled before that alarm: its key must not be one already holding a batch.
    await spill.fetch(post('later', 1));
    await spill.alarm();
    assert.deepEqual(received, ['first', 'meanwhile', 'later'], 'nothing overwritten, nothing left behind');
    assert.equal([...storage.data.keys()].filter((key) => key.startsWith('b:')).length, 0);
  });

  it('stores a batch id once: a repeat is answered 200 and not held twice', async () => {
    const storage = memoryStorage();
    const spill = new JourneytraceSpill({ storage }, env, { fetch: collector([]).fetch });
    const id = 'AAAAAAAAAAAAAAAAAAAAAA';
    assert.equal((await spill.fetch(post('once', 1, id))).status, 202);
    assert.equal((await spill.fetch(post('once', 1, id))).status, 200);
    assert.equal([...storage.data.keys()].filter((key) => key.startsWith('b:')).length, 1);
  });

  it('drops the oldest batches beyond its byte bound, and a batch the collector refuses for good, counting both', async () => {
    const storage = memoryStorage();
    const { fetch, received } = collector([400, 200]);
    const spill = new JourneytraceSpill({ storage }, { ...env, JOURNEYTRACE_SPILL_MAX_BYTES: '10' }, { fetch });
    await spill.fetch(post('aaaaaa', 4));
    await spill.fetch(post('bbbbbb', 5)); // 12 bytes together: the oldest goes.
    await spill.fetch(post('cc', 1));
    await spill.alarm();
    assert.deepEqual(received, ['cc'], 'the refused batch is not delivered, the next one is');
    const counters = storage.data.get('counters') as { droppedSpans: number; deliveredSpans: number };
    assert.equal(counters.droppedSpans, 4 + 5, '4 over the bound, 5 refused with 400');
    assert.equal(counters.deliveredSpans, 1);
  });

  it('refuses what it cannot hold, so the caller keeps it', async () => {
    const spill = new JourneytraceSpill({ storage: memoryStorage() }, env);
    assert.equal((await spill.fetch(new Request('https://spill/batches', { method: 'POST', body: '' }))).status, 400);
    assert.equal((await spill.fetch(new Request('https://spill/batches', { method: 'POST', body: new Uint8Array(3 * 1024 * 1024) }))).status, 413);
  });
});

describe('batchesOverBounds', () => {
  const held = (ages: number[], bytes: number) => ages.map((storedAtMillis, index) => [index, { storedAtMillis, body: { byteLength: bytes } }] as const);
  it('gives up the oldest first, until the bytes fit', () => {
    assert.deepEqual(batchesOverBounds(held([0, 1, 2], 10), 30, 5, { maxBytes: 24, maxAgeMillis: 1000 }, 10), [0, 1]);
    assert.deepEqual(batchesOverBounds(held([0, 1, 2], 10), 30, 0, { maxBytes: 30, maxAgeMillis: 1000 }, 10), []);
  });
  it('counts what is held beyond the oldest it was shown', () => {
    // 100 bytes held, only the two oldest read: both go, and it is still over.
    assert.deepEqual(batchesOverBounds(held([0, 1], 10), 100, 0, { maxBytes: 50, maxAgeMillis: 1000 }, 10), [0, 1]);
  });
  it('gives up what is older than the age bound', () => {
    assert.deepEqual(batchesOverBounds(held([0, 500, 900], 1), 3, 0, { maxBytes: 100, maxAgeMillis: 400 }, 1000), [0, 1]);
  });
});
