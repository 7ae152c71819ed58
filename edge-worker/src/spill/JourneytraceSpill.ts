/**
 * @module
 * The edge's durable spill: a Durable Object that holds OTLP export requests the collector could
 * not take while a request's `waitUntil` lasted (edge spans, relayed browser batches) and sends
 * them later from its alarm, retrying with backoff, so an isolate's eviction or a restart of the
 * worker loses none of them.
 *
 * Why a Durable Object and not a Queue: its storage is written before `spill()` answers and is
 * on disk under `wrangler dev --persist-to` too (a local Queue's messages live in memory and die
 * with the process); the alarm is durable as well. Figures: edge-worker/README.md.
 */
import { log } from '@journeytrace/contract';
import { globalFetch } from '../fetch/globalFetch.js';
import { isRetryableStatus, parseRetryAfter, retryDelayMillis } from '@journeytrace/contract';
import { otlpHeaders, otlpTracesUrl, type OtlpBindings } from '../otelEnv/otlpEnv.js';
import { batchesOverBounds, DEFAULT_SPILL_BOUNDS, type SpillBounds } from './spillBounds.js';
import { BATCH_ID_HEADER, SPAN_COUNT_HEADER, MAX_SPILLED_BODY_BYTES } from './spillProtocol.js';
import type { SpillObjectState, SpilledBatch } from './types.js';

/** Bindings the spill object reads: where the collector is, and optional bounds. */
export interface SpillBindings extends OtlpBindings {
  /** Bytes of held bodies at most; the oldest are dropped (and counted) beyond it. Default 67108864 (64 MiB). */
  JOURNEYTRACE_SPILL_MAX_BYTES?: string;
  /** Longest a batch is held, in seconds; older ones are dropped and counted. Default 86400 (24 h). */
  JOURNEYTRACE_SPILL_MAX_AGE_SECONDS?: string;
}

interface SpillCounters {
  /** The next batch key's sequence number (keys sort in arrival order). */
  seq: number;
  /** Bytes of the bodies held now. */
  heldBytes: number;
  /** Spans sent on to the collector. */
  deliveredSpans: number;
  /** Spans given up: over the bounds, or refused for good by the collector (dead letters). */
  droppedSpans: number;
}

const BATCH_PREFIX = 'b:';
const ID_PREFIX = 'id:';
const COUNTERS_KEY = 'counters';
/** Batches sent per alarm; the alarm runs again at once while more are held. */
const BATCHES_PER_ALARM = 32;
const MAX_BACKOFF_MILLIS = 30_000;
const DELIVERY_TIMEOUT_MILLIS = 10_000;

const batchKey = (seq: number) => `${BATCH_PREFIX}${String(seq).padStart(16, '0')}`;

/**
 * Export it from the worker's entry and bind it (`wrangler.toml`):
 *
 * @example
 * ```toml
 * [[durable_objects.bindings]]
 * name = "JOURNEYTRACE_SPILL"
 * class_name = "JourneytraceSpill"
 * [[migrations]]
 * tag = "journeytrace-spill-v1"
 * new_sqlite_classes = ["JourneytraceSpill"]
 * ```
 * ```ts
 * export { JourneytraceSpill } from '@journeytrace/edge/spill'
 * ```
 */
export class JourneytraceSpill {
  private readonly _storage: SpillObjectState['storage'];
  private readonly _env: SpillBindings;
  private readonly _bounds: SpillBounds;
  private readonly _fetch: typeof fetch;
  private readonly _now: () => number;

  constructor(state: SpillObjectState, env: SpillBindings, options: { fetch?: typeof fetch; now?: () => number } = {}) {
    this._storage = state.storage;
    this._env = env;
    this._bounds = {
      maxBytes: positive(env.JOURNEYTRACE_SPILL_MAX_BYTES) ?? DEFAULT_SPILL_BOUNDS.maxBytes,
      maxAgeMillis: (positive(env.JOURNEYTRACE_SPILL_MAX_AGE_SECONDS) ?? DEFAULT_SPILL_BOUNDS.maxAgeMillis / 1000) * 1000,
    };
    this._fetch = options.fetch ?? globalFetch;
    this._now = options.now ?? Date.now;
  }

  /** `POST` a batch: 202 once it is on disk, 200 when a batch with its id is already held, 413 when it is too large to hold. */
  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST') return new Response('POST a batch', { status: 405 });
    const body = new Uint8Array(await request.arrayBuffer());
    if (body.byteLength === 0) return new Response('empty batch', { status: 400 });
    if (body.byteLength > MAX_SPILLED_BODY_BYTES) return new Response('batch too large to spill', { status: 413 });
    const batchId = request.headers.get(BATCH_ID_HEADER) ?? undefined;
    if (batchId && (await this._storage.get(ID_PREFIX + batchId)) !== undefined) return new Response(null, { status: 200 });
    const now = this._now();
    const counters = await this._counters();
    // Room for it: the oldest go first, read a few at a time (never everything held).
    while (counters.heldBytes + body.byteLength > this._bounds.maxBytes && counters.heldBytes > 0) {
      const oldest = [...(await this._storage.list<SpilledBatch>({ prefix: BATCH_PREFIX, limit: BATCHES_PER_ALARM }))];
      if (oldest.length === 0) counters.heldBytes = 0; // Counters ahead of the storage: trust the storage.
      await this._dropOver(oldest, body.byteLength, counters, now);
    }
    const contentEncoding = request.headers.get('content-encoding');
    const batch: SpilledBatch = {
      body,
      contentType: request.headers.get('content-type') ?? 'application/x-protobuf',
      spanCount: Math.max(0, Number(request.headers.get(SPAN_COUNT_HEADER)) || 0),
      storedAtMillis: now,
      attempts: 0,
      ...(contentEncoding ? { contentEncoding } : {}),
      ...(batchId ? { batchId } : {}),
    };
    const key = batchKey(counters.seq++);
    counters.heldBytes += body.byteLength;
    await this._storage.put({ [key]: batch, [COUNTERS_KEY]: counters, ...(batchId ? { [ID_PREFIX + batchId]: key } : {}) });
    if ((await this._storage.getAlarm()) === null) await this._storage.setAlarm(now);
    log('journeytrace.spans.spilled', { spilled_spans: batch.spanCount, held_bytes: counters.heldBytes });
    return new Response(null, { status: 202 });
  }

  /** Sends held batches, oldest first, until one fails; then waits a backoff (or the collector's `Retry-After`). */
  async alarm(): Promise<void> {
    const url = otlpTracesUrl(this._env);
    let counters = await this._counters();
    const now = this._now();
    const held = [...(await this._storage.list<SpilledBatch>({ prefix: BATCH_PREFIX, limit: BATCHES_PER_ALARM }))];
    await this._dropOver(held, 0, counters, now);
    if (!url) {
      log('journeytrace.spill.waiting', { reason: 'no collector configured (OTEL_EXPORTER_OTLP_ENDPOINT)' });
      return this._storage.setAlarm(now + MAX_BACKOFF_MILLIS);
    }
    const headers = otlpHeaders(this._env);
    for (const [key, batch] of held) {
      if (now - batch.storedAtMillis > this._bounds.maxAgeMillis) continue; // Dropped above.
      const outcome = await this._deliver(url, headers, batch);
      if (outcome === 'sent' || outcome === 'refused') {
        // Read again: while this alarm waited on the collector, the runtime let spills in, which
        // moved the counters on (the next batch key among them); writing the old ones back would
        // hand a held batch's key to the next spill.
        counters = await this._counters();
        if (outcome === 'sent') counters.deliveredSpans += batch.spanCount;
        else this._reportDrop(counters, batch.spanCount, 'the collector refused them for good');
        counters.heldBytes = Math.max(0, counters.heldBytes - batch.body.byteLength);
        await this._storage.delete([key, ...(batch.batchId ? [ID_PREFIX + batch.batchId] : [])]);
        await this._storage.put({ [COUNTERS_KEY]: counters });
        continue;
      }
      batch.attempts += 1;
      await this._storage.put({ [key]: batch });
      const wait = retryDelayMillis(batch.attempts, outcome.retryAfterMillis);
      return this._storage.setAlarm(this._now() + Math.min(wait, MAX_BACKOFF_MILLIS * 2));
    }
    log('journeytrace.spill.delivered', { delivered_spans_total: counters.deliveredSpans });
    // More held (beyond one alarm's worth, or spilled while this one ran, when the runtime still
    // reported this alarm as set): go on at once.
    if ((await this._storage.list({ prefix: BATCH_PREFIX, limit: 1 })).size > 0) await this._storage.setAlarm(this._now());
  }

  private async _deliver(url: string, headers: Record<string, string>, batch: SpilledBatch): Promise<'sent' | 'refused' | { retryAfterMillis?: number }> {
    try {
      const response = await this._fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': batch.contentType, ...(batch.contentEncoding ? { 'content-encoding': batch.contentEncoding } : {}) },
        body: batch.body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MILLIS),
      });
      await response.body?.cancel();
      if (response.ok) return 'sent';
      if (!isRetryableStatus(response.status)) return 'refused';
      const retryAfterMillis = parseRetryAfter(response.headers.get('retry-after'), this._now());
      return retryAfterMillis === undefined ? {} : { retryAfterMillis };
    } catch {
      return {};
    }
  }

  /** Deletes (and counts) the held batches over the bounds; `held` loses them too. */
  private async _dropOver(held: Array<[string, SpilledBatch]>, incomingBytes: number, counters: SpillCounters, now: number): Promise<void> {
    const over = new Set(batchesOverBounds(held, counters.heldBytes, incomingBytes, this._bounds, now));
    if (over.size === 0) return;
    let spans = 0;
    const keys: string[] = [];
    for (const [key, batch] of held) {
      if (!over.has(key)) continue;
      spans += batch.spanCount;
      counters.heldBytes = Math.max(0, counters.heldBytes - batch.body.byteLength);
      keys.push(key, ...(batch.batchId ? [ID_PREFIX + batch.batchId] : []));
    }
    held.splice(0, held.length, ...held.filter(([key]) => !over.has(key)));
    await this._storage.delete(keys);
    this._reportDrop(counters, spans, `the spill store is over its bounds (${this._bounds.maxBytes} bytes, ${this._bounds.maxAgeMillis / 1000} s)`);
    await this._storage.put({ [COUNTERS_KEY]: counters });
  }

  /** The same line the edge's span processor writes for its drops, so one reader counts both. */
  private _reportDrop(counters: SpillCounters, spans: number, reason: string): void {
    counters.droppedSpans += spans;
    log('journeytrace.spans.dropped', { dropped_spans: spans, dropped_spans_total: counters.droppedSpans, reason, where: 'spill' });
  }

  private async _counters(): Promise<SpillCounters> {
    return (await this._storage.get<SpillCounters>(COUNTERS_KEY)) ?? { seq: 0, heldBytes: 0, deliveredSpans: 0, droppedSpans: 0 };
  }
}

function positive(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value && Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
}
