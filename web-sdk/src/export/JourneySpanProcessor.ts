import { TraceFlags, diag } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import { formatDropReport, retryDelayMillis } from '@journeytrace/contract';
import { encodeTraces } from './otlpJson.js';
import type { OtlpHttpTransport, SendOutcome } from './OtlpHttpTransport.js';
import type { OfflineStore, StoredBatch } from './offlineStore.js';

export interface BatchOptions {
  /** Spans held at most, those waiting out an outage included; further ones are dropped and counted. */
  maxQueueSize: number;
  /** Spans per export request. */
  maxExportBatchSize: number;
  /** Delay between a span ending and its export, in ms. */
  scheduledDelayMillis: number;
  /**
   * Where batches that cannot be handed to the network at page hide wait for the next page of
   * the origin (IndexedDB). None: they are lost with the page.
   */
  offlineStore?: OfflineStore;
}

/** Timers, replaceable in tests. */
export interface Timers {
  set(callback: () => void, millis: number): unknown;
  clear(handle: unknown): void;
}

/**
 * Refusals that may be about part of a batch: 400 (one span the endpoint cannot take, as the
 * relay refuses a batch for one span that ends before it starts) and 413 (too large as a whole).
 * The batch is sent again in halves, down to the spans at fault.
 */
const SPLITTABLE_STATUSES = new Set([400, 413]);
/** Halvings per batch at most: a batch the endpoint refuses whole costs at most 2 x 8 more requests. */
const MAX_SPLITS_PER_BATCH = 8;

const GLOBAL_TIMERS: Timers = {
  set: (callback, millis) => setTimeout(callback, millis),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The SDK's span processor: a SpanProcessor with a drop count and a flush for a page going away. */
export interface JourneySpanProcessor extends SpanProcessor {
  /** Spans lost so far: more than the queue holds, or refused by the endpoint. */
  readonly droppedSpans: number;
  /** Spans waiting to be sent (in flight not included). */
  readonly queuedSpans: number;
  /**
   * Sends the whole queue now with keepalive requests; what does not fit, or everything while
   * the endpoint fails, goes to the offline store (else stays queued). `leaving` (pagehide): the
   * requests in flight are stored too, since the page takes them with it.
   */
  flushOnHide(leaving?: boolean): void;
}

/**
 * Batches ended, sampled spans into OTLP/HTTP exports. The queue is bounded and ordered: a batch
 * the endpoint could not take now (network error, 408, 429, 5xx) goes back to its place at the
 * front and is sent again after a backoff (exponential with jitter, capped, or the endpoint's
 * `Retry-After`), for as long as the outage lasts. A batch refused with 400 or 413 is sent again
 * in halves, so one span the endpoint cannot take, or a batch too large, costs only the spans at
 * fault. Only spans beyond `maxQueueSize`, and those the endpoint refused for good (other 4xx, or
 * a 400/413 a single span still gets), are dropped: counted in `droppedSpans` and reported once
 * per burst through `diag`. `flushOnHide` sends everything at once with keepalive requests
 * within the browser's 64 KiB budget, for a page that is going away.
 */
export function journeySpanProcessor(
  transport: Pick<OtlpHttpTransport, 'send' | 'keepaliveBytesLeft'>,
  { maxQueueSize, maxExportBatchSize, scheduledDelayMillis, offlineStore }: BatchOptions,
  timers: Timers = GLOBAL_TIMERS,
  now: () => number = Date.now,
): JourneySpanProcessor {
  const encoder = new TextEncoder();
  let queue: ReadableSpan[] = [];
  // Arrival order of each queued span, so batches sent together and returned apart requeue in order.
  const arrival = new WeakMap<ReadableSpan, number>();
  let arrived = 0;
  let timer: unknown;
  // Each request in flight, with what the offline store would need to keep it.
  const inFlight = new Map<Promise<void>, StoredBatch | undefined>();
  const inFlightSpans = new Map<Promise<void>, ReadableSpan[]>();
  // Copies written ahead to the offline store when a send fails, by batch id: the spans each still
  // holds. A page can be torn down without its pagehide running (a closed tab may be shut down
  // fast); what already failed once is then in storage, not only in memory.
  const copies = new Map<string, Set<ReadableSpan>>();
  const copyOf = new WeakMap<ReadableSpan, string>();
  let dropped = 0;
  let dropReportPending = false;
  let failures = 0;
  let failedSends = 0;
  let stopped = false;
  let retryAt = 0;

  const encode = (spans: ReadableSpan[]) => encoder.encode(encodeTraces(spans));

  let unreported = 0;
  let lastDropReason = '';
  const drop = (count: number, reason: string) => {
    dropped += count;
    unreported += count;
    lastDropReason = reason;
    if (dropReportPending) return;
    dropReportPending = true;
    // One report per burst, with the running total, in the contract's shape.
    queueMicrotask(() => {
      dropReportPending = false;
      diag.warn(formatDropReport({ droppedSpans: unreported, droppedSpansTotal: dropped, reason: lastDropReason }));
      unreported = 0;
    });
  };

  const clearTimer = () => {
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
  };

  const schedule = () => {
    if (timer !== undefined || stopped) return;
    timer = timers.set(
      () => {
        timer = undefined;
        exportNext(true);
      },
      Math.max(scheduledDelayMillis, failures ? retryAt - now() : 0),
    );
  };

  const exportNext = (all: boolean) => {
    // Requests at once while the endpoint answers; one at a time (a probe) while it does not.
    while (queue.length && inFlight.size < (failures ? 1 : MAX_CONCURRENT_EXPORTS)) {
      const spans = queue.splice(0, maxExportBatchSize);
      track(spans, encode(spans), false);
      if (!all) break;
    }
    if (queue.length) schedule();
  };

  const track = (spans: ReadableSpan[], body: Uint8Array, keepalive: boolean, splits = { left: MAX_SPLITS_PER_BATCH }) => {
    const id = batchId();
    const sending = transport
      .send(body, keepalive, id)
      .then(
        (result) => settle(spans, result, keepalive, splits, { id, body }),
        () => settle(spans, { outcome: 'retry' }, keepalive, splits, { id, body }),
      )
      .then((drainNow) => {
        inFlight.delete(sending);
        inFlightSpans.delete(sending);
        // A full batch, or the backlog of an outage that just ended, goes at once; the rest on schedule.
        if (drainNow && queue.length) exportNext(true);
        else if (queue.length) schedule();
      });
    inFlight.set(sending, keepalive ? undefined : { id, body, spans: spans.length, at: now() });
    inFlightSpans.set(sending, spans);
  };

  const store = (batches: StoredBatch[]) => {
    offlineStore?.put(batches);
    // A page that stays (it was only hidden) sends them itself, after a backoff.
    timers.set(resendStored, retryDelayMillis(failures + 1, undefined));
  };

  let resending = false;
  /** Sends the stored batches, oldest first, each removed after a 2xx (or a final refusal); stops at the first failure and tries again later. */
  const resendStored = async () => {
    if (resending || !offlineStore) return;
    resending = true;
    try {
      let bytes = 0;
      // This page's own copies are still retried from memory: not sent twice.
      const stored = (await offlineStore.all()).filter((batch) => !copies.has(batch.id)).sort((a, b) => a.at - b.at);
      for (const batch of stored) bytes += batch.body.byteLength;
      for (const batch of stored) {
        if (bytes > OFFLINE_MAX_BYTES || now() - batch.at > OFFLINE_MAX_AGE_MILLIS) {
          // Oldest first: over the bounds, the oldest are given up, and counted.
          bytes -= batch.body.byteLength;
          offlineStore.remove(batch.id);
          drop(batch.spans, 'the offline store is over its bounds');
          continue;
        }
        const result = await transport.send(batch.body, false, batch.id).catch((): SendOutcome => ({ outcome: 'retry' }));
        if (result.outcome === 'retry') {
          timers.set(resendStored, retryDelayMillis(++failures, result.retryAfterMillis));
          return;
        }
        offlineStore.remove(batch.id);
        if (result.outcome === 'rejected') drop(batch.spans, `the endpoint refused them (HTTP ${result.status})`);
        else if (result.rejectedSpans) drop(Math.min(result.rejectedSpans, batch.spans), `the endpoint rejected them: ${result.rejectedReason}`);
      }
    } finally {
      resending = false;
    }
  };
  // What an earlier page of the origin left: after this page's own first batch is due.
  if (offlineStore) timers.set(resendStored, scheduledDelayMillis);
  // The page that stored them may still be committing its writes when this one starts: look
  // again whenever the endpoint takes a batch, at most once per interval.
  let resendCheckedAt = Number.NEGATIVE_INFINITY;
  const resendStoredAfterSuccess = () => {
    if (!offlineStore || now() - resendCheckedAt < RESEND_CHECK_INTERVAL_MILLIS) return;
    resendCheckedAt = now();
    timers.set(resendStored, 0);
  };

  /** Writes a failed batch ahead to the offline store (the spans not in a copy already). */
  const writeAhead = (spans: ReadableSpan[], sent: { id: string; body: Uint8Array }) => {
    if (!offlineStore) return;
    const fresh = spans.filter((span) => !copyOf.has(span));
    if (!fresh.length) return;
    const batch = fresh.length === spans.length ? { id: sent.id, body: sent.body } : { id: batchId(), body: encode(fresh) };
    offlineStore.put([{ ...batch, spans: fresh.length, at: now() }]);
    copies.set(batch.id, new Set(fresh));
    for (const span of fresh) copyOf.set(span, batch.id);
  };
  /** Spans delivered (or given up) from memory: a copy none of whose spans is left goes. */
  const release = (spans: ReadableSpan[]) => {
    for (const span of spans) {
      const id = copyOf.get(span);
      if (id === undefined) continue;
      copyOf.delete(span);
      const left = copies.get(id);
      left?.delete(span);
      if (left && !left.size) {
        copies.delete(id);
        offlineStore?.remove(id);
      }
    }
  };

  /** Returns whether to send what is queued now. */
  const settle = (
    spans: ReadableSpan[],
    result: SendOutcome,
    keepalive: boolean,
    splits: { left: number },
    sent: { id: string; body: Uint8Array },
  ): boolean => {
    if (result.outcome !== 'retry' && !(result.outcome === 'rejected' && SPLITTABLE_STATUSES.has(result.status) && spans.length > 1 && splits.left > 0))
      release(spans);
    if (result.outcome === 'sent') {
      // Accepted in part: what the endpoint left out is lost, and reported as such.
      if (result.rejectedSpans) drop(Math.min(result.rejectedSpans, spans.length), `the endpoint rejected them: ${result.rejectedReason}`);
      const recovered = failures > 0;
      failures = 0;
      resendStoredAfterSuccess();
      return recovered || queue.length >= maxExportBatchSize;
    }
    if (result.outcome === 'rejected') {
      if (SPLITTABLE_STATUSES.has(result.status) && spans.length > 1 && splits.left > 0) {
        // The halves share the batch's budget of splits.
        splits.left -= 1;
        const half = Math.ceil(spans.length / 2);
        for (const part of [spans.slice(0, half), spans.slice(half)]) track(part, encode(part), keepalive, splits);
        return false;
      }
      drop(spans.length, `the endpoint refused them (HTTP ${result.status})`);
      return false;
    }
    failures += 1;
    failedSends += 1;
    retryAt = now() + retryDelayMillis(failures, result.retryAfterMillis);
    if (!keepalive) writeAhead(spans, sent);
    // Back in arrival order; beyond the bound, the newest spans are dropped.
    queue = [...spans, ...queue].sort((a, b) => (arrival.get(a) ?? 0) - (arrival.get(b) ?? 0));
    const over = queue.length - maxQueueSize;
    if (over > 0) {
      queue.length = maxQueueSize;
      drop(over, 'the export queue is full');
    }
    clearTimer(); // Rescheduled for the end of the backoff.
    return false;
  };

  const processor: JourneySpanProcessor = {
    get droppedSpans() {
      return dropped;
    },
    get queuedSpans() {
      return queue.length;
    },
    onStart() {},
    onEnd(span) {
      if (stopped || !(span.spanContext().traceFlags & TraceFlags.SAMPLED)) return;
      if (queue.length >= maxQueueSize) return drop(1, 'the export queue is full');
      arrival.set(span, arrived++);
      queue.push(span);
      if (queue.length >= maxExportBatchSize && !(failures && now() < retryAt)) exportNext(false);
      else schedule();
    },
    /**
     * Sends every queued span now, once: resolves when those requests are answered. Spans the
     * endpoint could not take stay queued for the retry schedule rather than holding this up.
     */
    async forceFlush() {
      clearTimer();
      const failedBefore = failedSends;
      while (queue.length || inFlight.size) {
        if (failedSends === failedBefore) exportNext(true);
        if (!inFlight.size) break;
        await Promise.race(inFlight.keys());
      }
      if (queue.length) schedule();
    },
    flushOnHide(leaving = false) {
      clearTimer();
      if (offlineStore) {
        // Spans with a copy in the offline store already are the next page's to send.
        queue = queue.filter((span) => !copyOf.has(span));
        // Unanswered requests die with the page: keep a copy (if one got through, the copy is a
        // duplicate, with the same batch id for the relay to drop).
        const kept = leaving
          ? [...inFlight].filter(([sending]) => !inFlightSpans.get(sending)?.every((span) => copyOf.has(span))).flatMap(([, batch]) => (batch ? [batch] : []))
          : [];
        // While the endpoint fails, a keepalive request has little chance: everything is stored.
        const spans = failures ? queue.splice(0) : [];
        for (let start = 0; start < spans.length; start += maxExportBatchSize) {
          const part = spans.slice(start, start + maxExportBatchSize);
          kept.push({ id: batchId(), body: encode(part), spans: part.length, at: now() });
        }
        if (kept.length) store(kept);
      }
      while (queue.length) {
        const budget = transport.keepaliveBytesLeft();
        // The largest batch that fits, halving from a full one.
        let count = Math.min(queue.length, maxExportBatchSize);
        let body = encode(queue.slice(0, count));
        while (count && body.byteLength > budget) {
          count >>= 1;
          body = encode(queue.slice(0, count));
        }
        if (!count) {
          if (offlineStore) {
            // What the keepalive budget cannot take waits in the offline store.
            const part = queue.splice(0, maxExportBatchSize);
            store([{ id: batchId(), body: encode(part), spans: part.length, at: now() }]);
            continue;
          }
          if (budget < KEEPALIVE_MIN_USEFUL_BYTES) break;
          queue.shift(); // One span larger than the whole budget can never be sent on hide.
          drop(1, 'a span is larger than the keepalive budget');
          continue;
        }
        track(queue.splice(0, count), body, true);
      }
      if (queue.length) schedule();
    },
    /** Flushes once; spans still failing then are given up (the page asked the SDK to stop). */
    shutdown: () =>
      processor.forceFlush().then(() => {
        stopped = true;
        clearTimer();
      }),
  };
  return processor;
}

// Requests at once while the endpoint answers.
const MAX_CONCURRENT_EXPORTS = 2;

/** The offline store's bounds: beyond them, the oldest batches are dropped and counted. */
const OFFLINE_MAX_BYTES = 1024 * 1024;
/** How often a page looks for stored batches again after a successful export. */
const RESEND_CHECK_INTERVAL_MILLIS = 2_000;
const OFFLINE_MAX_AGE_MILLIS = 24 * 60 * 60 * 1000;

/** 128 random bits, base64url: the id a batch keeps on every try (`journeytrace-batch-id`). */
function batchId(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

// Below this, a lone span failing to fit is more likely the budget being in use than the span being huge.
const KEEPALIVE_MIN_USEFUL_BYTES = 60 * 1024;
