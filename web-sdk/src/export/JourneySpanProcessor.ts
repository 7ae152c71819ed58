import { TraceFlags, diag, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { encodeTraces } from './otlpJson.js';
import type { OtlpHttpTransport } from './OtlpHttpTransport.js';

export interface BatchOptions {
  /** Spans held at most; further ones are dropped and counted. */
  maxQueueSize: number;
  /** Spans per export request. */
  maxExportBatchSize: number;
  /** Delay between a span ending and its export, in ms. */
  scheduledDelayMillis: number;
}

// Exports waiting on retries hold their spans; cap them so memory stays bounded.
const MAX_CONCURRENT_EXPORTS = 2;

/**
 * Batches ended, sampled spans into OTLP/HTTP exports. The queue is bounded: spans that do not
 * fit, and those the endpoint refused or that failed every retry, are counted in `droppedSpans`
 * and reported once per burst through `diag`. `flushOnHide` sends everything at once with
 * keepalive requests within the browser's 64 KiB budget, for a page that is going away.
 */
export class JourneySpanProcessor implements SpanProcessor {
  private _queue: ReadableSpan[] = [];
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _inFlight = new Set<Promise<void>>();
  private _dropped = 0;
  private _dropReportPending = false;
  private _encoder = new TextEncoder();

  constructor(
    private readonly _transport: OtlpHttpTransport,
    private readonly _options: BatchOptions,
  ) {}

  /** Spans lost so far: queue full, refused by the endpoint, or failed after every retry. */
  get droppedSpans(): number {
    return this._dropped;
  }

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (!(span.spanContext().traceFlags & TraceFlags.SAMPLED)) return;
    if (this._queue.length >= this._options.maxQueueSize) {
      this._drop(1, 'the export queue is full');
      return;
    }
    this._queue.push(span);
    if (this._queue.length >= this._options.maxExportBatchSize) this._exportNext();
    else this._schedule();
  }

  async forceFlush(): Promise<void> {
    this._clearTimer();
    while (this._queue.length || this._inFlight.size) {
      this._exportNext(true);
      await Promise.race(this._inFlight);
    }
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

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }

  private _largestFitting(maxCount: number, budget: number): { count: number; body?: Uint8Array } {
    for (let count = maxCount; count > 0; count = Math.floor(count / 2)) {
      const body = this._encoder.encode(encodeTraces(this._queue.slice(0, count)));
      if (body.byteLength <= budget) return { count, body };
    }
    return { count: 0 };
  }

  private _exportNext(all = false): void {
    while (this._queue.length && this._inFlight.size < MAX_CONCURRENT_EXPORTS) {
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
        (outcome) => {
          if (outcome !== 'sent') this._drop(spans.length, outcome === 'rejected' ? 'the endpoint refused them' : 'the endpoint stayed unreachable');
        },
        () => this._drop(spans.length, 'sending failed'),
      )
      .then(() => {
        this._inFlight.delete(sending);
        if (this._queue.length) this._schedule();
      });
    this._inFlight.add(sending);
  }

  private _schedule(): void {
    if (this._timer !== undefined) return;
    this._timer = setTimeout(() => {
      this._timer = undefined;
      this._exportNext(true);
    }, this._options.scheduledDelayMillis);
  }

  private _clearTimer(): void {
    if (this._timer !== undefined) clearTimeout(this._timer);
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
