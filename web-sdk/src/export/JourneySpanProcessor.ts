import { TraceFlags, diag, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { backoffMillis, DEFAULT_RETRY, type RetryOptions } from './backoff.js';
import { encodeTraces } from './otlpJson.js';
import type { OtlpHttpTransport, SendOutcome } from './OtlpHttpTransport.js';

export interface BatchOptions {
  /** Spans held at most, those waiting out an outage included; further ones are dropped and counted. */
  maxQueueSize: number;
  /** Spans per export request. */
  maxExportBatchSize: number;
  /** Delay between a span ending and its export, in ms. */
  scheduledDelayMillis: number;
}

/** Timers, replaceable in tests. */
export interface Timers {
  set(callback: () => void, millis: number): unknown;
  clear(handle: unknown): void;
}

const GLOBAL_TIMERS: Timers = {
  set: (callback, millis) => setTimeout(callback, millis),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

// Requests at once while the endpoint answers; one at a time (a probe) while it does not.
const MAX_CONCURRENT_EXPORTS = 2;

/**
 * Batches ended, sampled spans into OTLP/HTTP exports. The queue is bounded and ordered: a batch
 * the endpoint could not take now (network error, 408, 429, 5xx) goes back to its place at the
 * front and is sent again after a backoff (exponential with jitter, capped, or the endpoint's
 * `Retry-After`), for as long as the outage lasts. Only spans beyond `maxQueueSize`, and those
 * the endpoint refused for good (other 4xx), are dropped: counted in `droppedSpans` and reported
 * once per burst through `diag`. `flushOnHide` sends everything at once with keepalive requests
 * within the browser's 64 KiB budget, for a page that is going away.
 */
export class JourneySpanProcessor implements SpanProcessor {
  private _queue: ReadableSpan[] = [];
  // Arrival order of each queued span, so batches sent together and returned apart requeue in order.
  private _order = new WeakMap<ReadableSpan, number>();
  private _nextOrder = 0;
  private _timer: unknown;
  private _inFlight = new Set<Promise<void>>();
  private _dropped = 0;
  private _dropReportPending = false;
  private _failures = 0;
  private _failedSends = 0;
  private _stopped = false;
  private _retryAt = 0;
  private _encoder = new TextEncoder();
  private readonly _retry: RetryOptions;

  constructor(
    private readonly _transport: Pick<OtlpHttpTransport, 'send' | 'keepaliveBytesLeft'>,
    private readonly _options: BatchOptions,
    retry: Partial<RetryOptions> = {},
    private readonly _timers: Timers = GLOBAL_TIMERS,
    private readonly _now: () => number = Date.now,
  ) {
    this._retry = { ...DEFAULT_RETRY, ...retry };
  }

  /** Spans lost so far: more than the queue holds, or refused by the endpoint. */
  get droppedSpans(): number {
    return this._dropped;
  }

  /** Spans waiting to be sent (in flight not included). */
  get queuedSpans(): number {
    return this._queue.length;
  }

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (this._stopped || !(span.spanContext().traceFlags & TraceFlags.SAMPLED)) return;
    if (this._queue.length >= this._options.maxQueueSize) {
      this._drop(1, 'the export queue is full');
      return;
    }
    this._order.set(span, this._nextOrder++);
    this._queue.push(span);
    if (this._queue.length >= this._options.maxExportBatchSize && !this._backingOff()) this._exportNext(false);
    else this._schedule();
  }

  /**
   * Sends every queued span now, once: resolves when those requests are answered. Spans the
   * endpoint could not take stay queued for the retry schedule rather than holding this up.
   */
  async forceFlush(): Promise<void> {
    this._clearTimer();
    const failedBefore = this._failedSends;
    while (this._queue.length || this._inFlight.size) {
      if (this._failedSends === failedBefore) this._exportNext(true);
      if (!this._inFlight.size) break;
      await Promise.race(this._inFlight);
    }
    if (this._queue.length) this._schedule();
  }

  /** Sends the whole queue now with keepalive requests; what does not fit stays queued. */
  flushOnHide(): void {
    this._clearTimer();
    while (this._queue.length) {
      const budget = this._transport.keepaliveBytesLeft();
      const { count, body } = this._largestFitting(Math.min(this._queue.length, this._options.maxExportBatchSize), budget);
      if (count === 0) {
        if (budget >= KEEPALIVE_MIN_USEFUL_BYTES && this._queue.length) {
          this._queue.shift(); // One span larger than the whole budget can never be sent on hide.
          this._drop(1, 'a span is larger than the keepalive budget');
          continue;
        }
        break;
      }
      this._track(this._queue.splice(0, count), body!, true);
    }
    if (this._queue.length) this._schedule();
  }

  /** Flushes once; spans still failing then are given up (the page asked the SDK to stop). */
  async shutdown(): Promise<void> {
    await this.forceFlush();
    this._stopped = true;
    this._clearTimer();
  }

  private _largestFitting(maxCount: number, budget: number): { count: number; body?: Uint8Array } {
    for (let count = maxCount; count > 0; count = Math.floor(count / 2)) {
      const body = this._encoder.encode(encodeTraces(this._queue.slice(0, count)));
      if (body.byteLength <= budget) return { count, body };
    }
    return { count: 0 };
  }

  private _backingOff(): boolean {
    return this._failures > 0 && this._now() < this._retryAt;
  }

  private _exportNext(all: boolean): void {
    const limit = this._failures ? 1 : MAX_CONCURRENT_EXPORTS;
    while (this._queue.length && this._inFlight.size < limit) {
      const spans = this._queue.splice(0, this._options.maxExportBatchSize);
      this._track(spans, this._encoder.encode(encodeTraces(spans)), false);
      if (!all) break;
    }
    if (this._queue.length) this._schedule();
  }

  private _track(spans: ReadableSpan[], body: Uint8Array, keepalive: boolean): void {
    const sending = this._transport
      .send(body, keepalive)
      .then(
        (result) => this._settle(spans, result),
        () => this._settle(spans, { outcome: 'retry' }),
      )
      .then((drainNow) => {
        this._inFlight.delete(sending);
        // A full batch, or the backlog of an outage that just ended, goes at once; the rest on schedule.
        if (drainNow && this._queue.length) this._exportNext(true);
        else if (this._queue.length) this._schedule();
      });
    this._inFlight.add(sending);
  }

  /** Returns whether to send what is queued now. */
  private _settle(spans: ReadableSpan[], result: SendOutcome): boolean {
    if (result.outcome === 'sent') {
      const recovered = this._failures > 0;
      this._failures = 0;
      return recovered || this._queue.length >= this._options.maxExportBatchSize;
    }
    if (result.outcome === 'rejected') {
      this._drop(spans.length, `the endpoint refused them (HTTP ${result.status})`);
      return false;
    }
    this._failures += 1;
    this._failedSends += 1;
    this._retryAt = this._now() + backoffMillis(this._failures, result.retryAfterMillis, this._retry);
    this._requeue(spans);
    return false;
  }

  /** Puts a batch back in arrival order; beyond the bound, the newest spans are dropped. */
  private _requeue(spans: ReadableSpan[]): void {
    const order = (span: ReadableSpan) => this._order.get(span) ?? 0;
    const merged: ReadableSpan[] = [];
    let i = 0;
    let j = 0;
    while (i < spans.length || j < this._queue.length) {
      if (j >= this._queue.length || (i < spans.length && order(spans[i]!) < order(this._queue[j]!))) merged.push(spans[i++]!);
      else merged.push(this._queue[j++]!);
    }
    const over = merged.length - this._options.maxQueueSize;
    if (over > 0) {
      merged.length = this._options.maxQueueSize;
      this._drop(over, 'the export queue is full while the endpoint is unreachable');
    }
    this._queue = merged;
    this._clearTimer(); // Rescheduled for the end of the backoff.
  }

  private _schedule(): void {
    if (this._timer !== undefined || this._stopped) return;
    const delay = Math.max(this._options.scheduledDelayMillis, this._failures ? this._retryAt - this._now() : 0);
    this._timer = this._timers.set(() => {
      this._timer = undefined;
      this._exportNext(true);
    }, delay);
  }

  private _clearTimer(): void {
    if (this._timer !== undefined) this._timers.clear(this._timer);
    this._timer = undefined;
  }

  private _drop(count: number, reason: string): void {
    this._dropped += count;
    if (this._dropReportPending) return;
    this._dropReportPending = true;
    // One report per burst, with the running total.
    queueMicrotask(() => {
      this._dropReportPending = false;
      diag.warn(`journeytrace: spans dropped (${reason}); ${this._dropped} dropped so far`);
    });
  }
}

// Below this, a lone span failing to fit is more likely the budget being in use than the span being huge.
const KEEPALIVE_MIN_USEFUL_BYTES = 60 * 1024;
