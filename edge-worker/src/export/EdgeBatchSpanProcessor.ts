/**
 * @module
 * The isolate's span buffer and retry queue: spans from many requests go out in one export, and
 * a batch the collector could not take waits in the isolate for a later flush instead of being
 * given up when one request's `waitUntil` ends.
 *
 * Why not sdk-trace-base's `BatchSpanProcessor`: flushing it in every request's `waitUntil` (the
 * only way to be sure spans leave a Worker) sends one export per request, and its timer does not
 * run in an isolate that has no request. Here each request's `waitUntil` decides what is due:
 *
 * - the buffer holds `maxExportBatchSize` spans, or its oldest span is `scheduledDelayMillis`
 *   old, or (with `flushWhenIdle`) no request has been in flight for `idleDelayMillis`: send now;
 * - otherwise the first request that finds nothing scheduled waits until the buffer is due and
 *   sends it: its `waitUntil` holds the isolate, so spans are never stranded in an idle isolate;
 * - failed exports (network error, timeout, 408, 429, 5xx: the contract's rules) stay at the head of the queue and are
 *   retried after a backoff (or the collector's `Retry-After`) by whichever request's flush comes
 *   next; one request waits for a retry at most `maxWaitMillis`.
 *
 * Memory is bounded: at most `maxQueueSize` spans (buffer and retry queue together) and about
 * `maxQueueBytes` awaiting retry. What does not fit, and what the collector refuses (4xx other
 * than 408 and 429), is counted in `droppedSpans` and reported, never silently lost.
 */
import { ROOT_CONTEXT, context, diag, type Context } from '@opentelemetry/api';
import { TRACE_FLAGS } from '../tracer/api.js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import {
  DEFAULT_RETRY_POLICY,
  DROP_REPORT_INTERVAL_MILLIS,
  formatDropReport,
  isRetryableFailure,
  retryAfterOf,
  retryDelayMillis,
  type DropReport,
} from '@journeytrace/contract';

export interface EdgeBatchSpanProcessorOptions {
  /** Longest a span waits in the buffer while other requests are in flight, in ms (`OTEL_BSP_SCHEDULE_DELAY`). Default 1000. */
  scheduledDelayMillis?: number;
  /** Spans per export request; a buffer this full is sent at once (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`). Default 512. */
  maxExportBatchSize?: number;
  /** Spans held at most, buffered and awaiting retry together (`OTEL_BSP_MAX_QUEUE_SIZE`). Default 2048. */
  maxQueueSize?: number;
  /** Approximate protobuf bytes awaiting retry at most. Default 4 MiB. */
  maxQueueBytes?: number;
  /**
   * Send soon after the isolate goes idle: once no request has been in flight for
   * `idleDelayMillis`. Default true: at low traffic spans reach the collector right after their
   * request (tail sampling judges whole traces after a short wait); under load, when requests
   * overlap or follow each other closely, they still go in shared batches.
   */
  flushWhenIdle?: boolean;
  /** How long the isolate must stay idle before `flushWhenIdle` sends, ms. Default 100. */
  idleDelayMillis?: number;
  /** First wait after a failed export; doubles per failure up to `maxBackoffMillis`. Defaults: the contract's `DEFAULT_RETRY_POLICY` (500 and 5000). */
  initialBackoffMillis?: number;
  maxBackoffMillis?: number;
  /** A `Retry-After` longer than this is shortened to it. Default 60000 (the contract's). */
  maxRetryAfterMillis?: number;
  /**
   * How long one request's `waitUntil` may keep waiting for a scheduled send or a retry. Default
   * 25000 (Workers end `waitUntil` work 30 s after the response). Spans still held then are sent
   * by the next request's flush.
   */
  maxWaitMillis?: number;
  /**
   * A send that has not finished after this long is taken for lost (its request's context was
   * cancelled) and its batch is sent again. Default 15000 (above the exporter's 10 s timeout).
   */
  sendTimeoutMillis?: number;
  /** Where drops are reported; default `diag.warn` plus `onDropReport` of the caller. */
  onDrop?: (report: DropReport) => void;
  /**
   * A durable store for batches the collector could not take (`spillSpansTo(spillTo(...))`,
   * spill/): after a retryable failure the failed batch, and while the backoff lasts every
   * batch that comes due, is handed to it instead of waiting in the isolate, so an eviction
   * loses none. Resolves to whether the store holds the spans; when it does not, they wait for
   * a retry here as they would without it. Default none.
   */
  spill?: (spans: ReadableSpan[]) => Promise<boolean>;
}

export type { DropReport };

interface Batch {
  spans: ReadableSpan[];
  /** Approximate protobuf size, known once the batch has failed. */
  bytes: number;
}

const NOTHING_TO_DO = -1;

const DEFAULTS = {
  scheduledDelayMillis: 1000,
  maxExportBatchSize: 512,
  maxQueueSize: 2048,
  maxQueueBytes: 4 * 1024 * 1024,
  idleDelayMillis: 100,
  initialBackoffMillis: DEFAULT_RETRY_POLICY.initialBackoffMillis,
  maxBackoffMillis: DEFAULT_RETRY_POLICY.maxBackoffMillis,
  maxRetryAfterMillis: DEFAULT_RETRY_POLICY.maxRetryAfterMillis,
  maxWaitMillis: 25_000,
  sendTimeoutMillis: 15_000,
};

export class EdgeBatchSpanProcessor implements SpanProcessor {
  private readonly _exporter: SpanExporter;
  private readonly _options: typeof DEFAULTS & { flushWhenIdle: boolean };
  private readonly _onDrop: ((report: DropReport) => void) | undefined;
  private readonly _spill: ((spans: ReadableSpan[]) => Promise<boolean>) | undefined;
  /** The spill took the last batch handed to it (a refusing store is asked once per failed export). */
  private _spillWorks = true;
  /** Ended spans not yet cut into a batch, and when the oldest of them ended. */
  private _buffer: ReadableSpan[] = [];
  private _bufferSinceMillis = 0;
  /** Batches to send, oldest first; a batch leaves only once the collector has answered for it. */
  private _queue: Batch[] = [];
  private _queuedSpans = 0;
  private _retryBytes = 0;
  private _inFlightRequests = 0;
  /** When the last request in flight ended (undefined while one is in flight). */
  private _idleSinceMillis: number | undefined = Date.now();
  /** No send before this (backoff or Retry-After after a failure). */
  private _blockedUntilMillis = 0;
  private _failures = 0;
  /** The send under way, if any, and when it started. */
  private _sending: { sinceMillis: number; batch: Batch; done: Promise<void> } | undefined;
  /** The request waiting to send the buffer (or a retry), if any, and until when. */
  private _waiter: { untilMillis: number } | undefined;
  private _dropped = 0;
  private _unreported = 0;
  private _lastDropReason = '';
  private _lastReportMillis = -Infinity;

  constructor(exporter: SpanExporter, options: EdgeBatchSpanProcessorOptions = {}) {
    this._exporter = exporter;
    const resolved = { ...DEFAULTS, flushWhenIdle: options.flushWhenIdle ?? true };
    for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
      const value = options[key];
      if (value === undefined) continue;
      if (Number.isFinite(value) && value >= 0) resolved[key] = value;
      else diag.warn(`journeytrace: ignoring ${key}=${String(value)}; using ${DEFAULTS[key]}`);
    }
    resolved.maxQueueSize = Math.max(1, Math.floor(resolved.maxQueueSize));
    resolved.maxExportBatchSize = Math.max(1, Math.floor(resolved.maxExportBatchSize));
    if (resolved.maxExportBatchSize > resolved.maxQueueSize) {
      diag.warn(`journeytrace: maxExportBatchSize ${resolved.maxExportBatchSize} is above maxQueueSize; using ${resolved.maxQueueSize}`);
      resolved.maxExportBatchSize = resolved.maxQueueSize;
    }
    this._options = resolved;
    this._onDrop = options.onDrop;
    this._spill = options.spill;
  }

  /** Spans given up on since this processor was made (queue full, refused by the collector). */
  get droppedSpans(): number {
    return this._dropped;
  }

  /** Spans held now: buffered, or waiting for (or in) delivery. */
  get queuedSpans(): number {
    return this._buffer.length + this._queuedSpans;
  }

  /** Requests (or queue batches) in flight now: none means the isolate is idle. */
  get inFlightRequests(): number {
    return this._inFlightRequests;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TRACE_FLAGS.SAMPLED) === 0) return;
    if (this._buffer.length + this._queuedSpans >= this._options.maxQueueSize) {
      this._drop(1, `the span queue is full (${this._options.maxQueueSize} spans, OTEL_BSP_MAX_QUEUE_SIZE)`);
      return;
    }
    if (this._buffer.length === 0) this._bufferSinceMillis = Date.now();
    this._buffer.push(span);
  }

  /** A request (or queue batch) whose spans end here has started: the isolate is not idle. */
  requestStarted(): void {
    this._inFlightRequests += 1;
    this._idleSinceMillis = undefined;
  }

  /**
   * A request has ended: what to pass to `ctx.waitUntil`. Sends what is due, or waits until the
   * buffer is due when no other request waits for it. Undefined when there is nothing to send or
   * wait for (most requests: another one already sends or waits). Never rejects.
   */
  requestEnded(): Promise<void> | undefined {
    this._inFlightRequests = Math.max(0, this._inFlightRequests - 1);
    if (this._inFlightRequests === 0) this._idleSinceMillis = Date.now();
    return this.flushWhenDue();
  }

  /** Sends what is due now, or waits for it as `requestEnded` does, without counting a request. */
  flushWhenDue(): Promise<void> | undefined {
    // Most requests find nothing to do (another request sends or waits): no promise at all then.
    const now = Date.now();
    if (this._unreported === 0 && this._nextStep(now, now + this._options.maxWaitMillis) === NOTHING_TO_DO) return undefined;
    return this._flushWhenDue();
  }

  private async _flushWhenDue(): Promise<void> {
    try {
      await this._pump(Date.now() + this._options.maxWaitMillis);
    } catch (error) {
      diag.warn(`journeytrace: span flush failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this._reportDrops();
    }
  }

  /** Sends everything held now, retries included (without waiting out a backoff); one attempt per batch. */
  async forceFlush(): Promise<void> {
    this._cutBuffer();
    // One send at a time, shared with the pump: a request ending meanwhile must not send the
    // batch this flush is sending (the collector would get it twice), nor this flush the pump's.
    const tried = new Set<Batch>();
    for (;;) {
      const sending = this._sending;
      if (sending) {
        const left = this._options.sendTimeoutMillis - (Date.now() - sending.sinceMillis);
        // A send whose request's context was cancelled never finishes: take over after the timeout.
        if (left > 0) await Promise.race([sending.done.catch(() => {}), sleep(left)]);
        if (this._sending === sending) this._sending = undefined;
        continue;
      }
      const batch = this._queue.find((queued) => !tried.has(queued));
      if (!batch) break;
      tried.add(batch);
      const mine = { sinceMillis: Date.now(), batch, done: this._send(batch) };
      this._sending = mine;
      try {
        await mine.done;
      } finally {
        if (this._sending === mine) this._sending = undefined;
      }
    }
    this._reportDrops(true);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await this._exporter.shutdown();
  }

  /**
   * Sends due batches one at a time; when something is held but not due yet, waits for it
   * (until `deadlineMillis`) unless another request already does.
   */
  private async _pump(deadlineMillis: number): Promise<void> {
    for (;;) {
      const now = Date.now();
      const step = this._nextStep(now, deadlineMillis);
      if (step === NOTHING_TO_DO) return;
      if (step <= now) {
        if (this._buffer.length > 0 && this._bufferDueMillis() <= now) this._cutBuffer();
        const batch = this._head();
        if (!batch) return;
        const done = this._spilling(now) ? this._spillBatch(batch) : this._send(batch);
        const sending = { sinceMillis: now, batch, done };
        this._sending = sending;
        try {
          await done;
        } finally {
          if (this._sending === sending) this._sending = undefined;
        }
        continue;
      }
      const waiter = { untilMillis: step };
      this._waiter = waiter;
      await sleep(step - now);
      if (this._waiter === waiter) this._waiter = undefined;
    }
  }

  /**
   * What the pump does next: {@link NOTHING_TO_DO}, or the time to send at (now or earlier:
   * send now; later: wait until then). Nothing to do when another request's send is under way,
   * nothing is held, another request already waits for the same moment, or it is past
   * `deadlineMillis`.
   */
  private _nextStep(now: number, deadlineMillis: number): number {
    if (this._sending) {
      // One send at a time; the sender looks again when it is done. A send that never
      // finished belonged to a request whose context was cancelled: take over.
      if (now - this._sending.sinceMillis < this._options.sendTimeoutMillis) return NOTHING_TO_DO;
      this._sending = undefined;
    }
    const dueMillis = this._dueMillis(now);
    if (dueMillis === undefined) return NOTHING_TO_DO;
    if (dueMillis <= now) return dueMillis;
    // Not due yet. One waiter is enough; it looks again when it wakes (a waiter whose
    // request's context was cancelled never wakes: take over once it is overdue).
    if (this._waiter && this._waiter.untilMillis <= dueMillis && now - this._waiter.untilMillis < this._options.sendTimeoutMillis) return NOTHING_TO_DO;
    return dueMillis > deadlineMillis ? NOTHING_TO_DO : dueMillis;
  }

  /** When the next send may happen: now or later; undefined when nothing is held. */
  private _dueMillis(now: number): number | undefined {
    let due: number | undefined;
    if (this._queue.length > 0) due = now;
    if (this._buffer.length > 0) due = Math.min(due ?? Infinity, this._bufferDueMillis());
    if (due === undefined) return undefined;
    // Spilling does not wait out the backoff: it is the collector that is failing.
    return this._spilling(now) ? due : Math.max(due, this._blockedUntilMillis);
  }

  /** Whether batches go to the spill store now: it is set and works, and the collector is in its backoff. */
  private _spilling(now: number): boolean {
    return this._spill !== undefined && this._spillWorks && this._failures > 0 && now < this._blockedUntilMillis;
  }

  /** Hands `batch` to the spill store; it leaves the queue once stored there. */
  private async _spillBatch(batch: Batch): Promise<void> {
    const stored = this._spill ? await this._spill(batch.spans).catch(() => false) : false;
    if (stored) this._remove(batch);
    else this._spillWorks = false;
  }

  private _bufferDueMillis(): number {
    if (this._buffer.length >= this._options.maxExportBatchSize) return 0;
    const scheduled = this._bufferSinceMillis + this._options.scheduledDelayMillis;
    if (!this._options.flushWhenIdle || this._idleSinceMillis === undefined) return scheduled;
    return Math.min(scheduled, this._idleSinceMillis + this._options.idleDelayMillis);
  }

  /** Moves the buffer into the send queue in batches of at most `maxExportBatchSize`. */
  private _cutBuffer(): void {
    const size = this._options.maxExportBatchSize;
    for (let start = 0; start < this._buffer.length; start += size) {
      const spans = this._buffer.length <= size ? this._buffer : this._buffer.slice(start, start + size);
      this._queue.push({ spans, bytes: 0 });
      this._queuedSpans += spans.length;
    }
    this._buffer = [];
  }

  /** The oldest batch, merged with the ones after it up to `maxExportBatchSize` (after an outage: few, full exports). */
  private _head(): Batch | undefined {
    let head = this._queue[0];
    let next = this._queue[1];
    while (head && next && head.spans.length + next.spans.length <= this._options.maxExportBatchSize) {
      head = { spans: head.spans.concat(next.spans), bytes: head.bytes + next.bytes };
      this._queue.splice(0, 2, head);
      next = this._queue[1];
    }
    return head;
  }

  /** One attempt for `batch`; it leaves the queue on success or refusal, and stays (bounded) otherwise. */
  private async _send(batch: Batch): Promise<void> {
    const result = await context.with(ROOT_CONTEXT, () => exportOnce(this._exporter, batch.spans));
    if (result.code === ExportResultCode.SUCCESS) {
      this._remove(batch);
      if (this._failures > 0) diag.info(`journeytrace: span export works again; ${this.queuedSpans} spans still held`);
      this._failures = 0;
      this._blockedUntilMillis = 0;
      return;
    }
    if (!isRetryableFailure(result.error)) {
      this._remove(batch);
      this._drop(batch.spans.length, `the collector refused them (${result.error?.message ?? 'no reason given'})`);
      return;
    }
    this._failures += 1;
    const waitMillis = retryDelayMillis(this._failures, retryAfterOf(result.error), this._options);
    this._blockedUntilMillis = Date.now() + waitMillis;
    if (this._failures === 1) {
      diag.warn(`journeytrace: span export failed (${result.error?.message ?? 'no reason given'}); holding spans for a retry`);
    }
    if (this._spill) {
      this._spillWorks = true;
      await this._spillBatch(batch);
      if (!this._queue.includes(batch)) return;
    }
    // Everything queued now waits for a retry: bound it by size as well as by count.
    for (const held of this._queue) {
      if (held.bytes > 0) continue;
      held.bytes = approximateBytes(held.spans);
      this._retryBytes += held.bytes;
    }
    // Over the byte bound: keep the oldest (they are retried first), drop the newest.
    let newest = this._queue.at(-1);
    while (newest && this._retryBytes > this._options.maxQueueBytes && this._queue.length > 1) {
      this._remove(newest);
      this._drop(newest.spans.length, `the retry queue is over ${this._options.maxQueueBytes} bytes`);
      newest = this._queue.at(-1);
    }
  }

  private _remove(batch: Batch): void {
    const index = this._queue.indexOf(batch);
    if (index < 0) return;
    this._queue.splice(index, 1);
    this._queuedSpans -= batch.spans.length;
    this._retryBytes -= batch.bytes;
  }

  private _drop(count: number, reason: string): void {
    this._dropped += count;
    this._unreported += count;
    this._lastDropReason = reason;
  }

  /**
   * At most one report per second (and per flush), with the running total: a full queue drops on
   * every span. What a report leaves out goes in the next one; `droppedSpans` is always current.
   */
  private _reportDrops(force = false): void {
    if (this._unreported === 0) return;
    const now = Date.now();
    if (!force && now - this._lastReportMillis < DROP_REPORT_INTERVAL_MILLIS) return;
    this._lastReportMillis = now;
    const report: DropReport = { droppedSpans: this._unreported, droppedSpansTotal: this._dropped, reason: this._lastDropReason };
    this._unreported = 0;
    diag.warn(formatDropReport(report));
    try {
      this._onDrop?.(report);
    } catch {
      // A reporter that fails must not fail the flush.
    }
  }
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise<ExportResult>((resolve) => {
    try {
      exporter.export(spans, resolve);
    } catch (error) {
      resolve(failed(error));
    }
  });
}

function failed(error: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) };
}

/**
 * About what a batch takes as OTLP protobuf: ids, times and framing, plus the strings. Only
 * computed for batches held for a retry, so the bound costs nothing while exports succeed.
 */
export function approximateBytes(spans: readonly ReadableSpan[]): number {
  let bytes = 0;
  for (const span of spans) {
    bytes += 64 + span.name.length;
    for (const key in span.attributes) {
      const value = span.attributes[key];
      bytes += 8 + key.length + (typeof value === 'string' ? value.length : Array.isArray(value) ? 16 * value.length : 9);
    }
    for (const event of span.events) bytes += 24 + event.name.length + 64 * Object.keys(event.attributes ?? {}).length;
    bytes += 48 * span.links.length;
  }
  return bytes;
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, millis)));
}
