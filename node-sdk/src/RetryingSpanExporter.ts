/**
 * @module
 * A span exporter that outlasts a collector outage: batches the wrapped exporter could not
 * deliver wait in a bounded retry queue and are sent again, with backoff, until the collector
 * answers. What does not fit the bound, what the collector refuses for good and what is still
 * held when shutdown gives up are dropped, counted and reported through `diag`, never silently.
 *
 * The stock OTLP exporter retries one request for about 10 s and then gives its spans up; a
 * collector restart or a longer outage loses everything that ended in that window. Wrap a
 * single-attempt exporter ({@link OTLPHttpSpanExporter}) so there is one retry path: which
 * failures are retried, the backoff and the `Retry-After` bound are the contract's
 * (`@journeytrace/contract`), the same as the browser's and the edge's.
 *
 * @example
 * ```ts
 * new BatchSpanProcessor({ exporter: new RetryingSpanExporter(new OTLPHttpSpanExporter()) });
 * ```
 */
import { context, diag } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import {
  DEFAULT_RETRY_POLICY,
  DROP_REPORT_INTERVAL_MILLIS,
  formatDropReport,
  isRetryableFailure,
  readNumberSetting,
  retryAfterOf,
  retryDelayMillis,
  type DropReport,
  type RetryPolicy,
} from '@journeytrace/contract';

/** Environment variable bounding the spans held for retry (OpenTelemetry-style name, like `OTEL_BSP_MAX_QUEUE_SIZE`). */
export const RETRY_QUEUE_SIZE_ENV = 'OTEL_EXPORTER_OTLP_RETRY_MAX_QUEUE_SIZE';
export const DEFAULT_RETRY_QUEUE_SIZE = 10_000;

export interface RetryingSpanExporterOptions {
  /** Spans held at most, in flight included. Default: `OTEL_EXPORTER_OTLP_RETRY_MAX_QUEUE_SIZE`, else 10000. */
  maxQueueSize?: number;
  /** Spans per request to the wrapped exporter (held batches are merged up to this). Default 512. */
  maxExportBatchSize?: number;
  /** Backoff and `Retry-After` bound. Default the contract's `DEFAULT_RETRY_POLICY` (0.5 s doubling to 5 s; `Retry-After` up to 60 s). */
  retryPolicy?: Partial<RetryPolicy>;
  /** How long `shutdown` keeps trying to deliver what is held before dropping it. Default 10000. */
  shutdownTimeoutMillis?: number;
  /** Where the queue size is read from when `maxQueueSize` is not given. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Where drop reports go besides `diag.warn` (at most one a second, with the running total). */
  onDrop?: (report: DropReport) => void;
}

/**
 * Wraps a span exporter with a bounded retry queue. `export` takes custody of the batch at once
 * (SUCCESS) so the batch processor in front never stalls on an unreachable collector; it answers
 * FAILED only for spans it had to drop.
 */
export class RetryingSpanExporter implements SpanExporter {
  private readonly _maxQueueSize: number;
  private readonly _maxExportBatchSize: number;
  private readonly _retryPolicy: RetryPolicy;
  private readonly _onDrop: ((report: DropReport) => void) | undefined;
  private readonly _shutdownTimeoutMillis: number;
  private _queue: ReadableSpan[][] = [];
  private _queuedSpans = 0;
  private _sending: Promise<void> | undefined;
  private _retryTimer: ReturnType<typeof setTimeout> | undefined;
  private _failures = 0;
  /** The collector's `Retry-After` on the last failure, if it gave one. */
  private _retryAfterMillis: number | undefined;
  private _outageSince: number | undefined;
  private _dropped = 0;
  private _unreported = 0;
  private _lastDropReason = '';
  private _reportTimer: ReturnType<typeof setTimeout> | undefined;
  private _shutDown = false;

  constructor(
    private readonly _exporter: SpanExporter,
    options: RetryingSpanExporterOptions = {},
  ) {
    this._maxQueueSize = options.maxQueueSize ?? queueSizeFromEnv(options.env ?? process.env) ?? DEFAULT_RETRY_QUEUE_SIZE;
    this._maxExportBatchSize = Math.max(1, options.maxExportBatchSize ?? 512);
    this._retryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy };
    this._onDrop = options.onDrop;
    this._shutdownTimeoutMillis = options.shutdownTimeoutMillis ?? 10_000;
  }

  /** Spans dropped since this exporter was made: over the bound, refused for good, or left at shutdown. */
  get droppedSpans(): number {
    return this._dropped;
  }

  /** Spans held now, waiting for (or in) delivery. */
  get queuedSpans(): number {
    return this._queuedSpans;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this._shutDown) {
      this._drop(spans.length, 'the exporter is shut down');
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    const room = Math.max(0, this._maxQueueSize - this._queuedSpans);
    const kept = spans.length > room ? spans.slice(0, room) : spans;
    if (kept.length > 0) {
      this._queue.push(kept);
      this._queuedSpans += kept.length;
      this._pump();
    }
    if (kept.length < spans.length) {
      this._drop(spans.length - kept.length, `the retry queue is full (${this._maxQueueSize} spans, ${RETRY_QUEUE_SIZE_ENV})`);
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('retry queue full') });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Tries to deliver everything held now (without waiting out a backoff); resolves after one pass. */
  async forceFlush(): Promise<void> {
    await this._drain(Date.now());
    await this._exporter.forceFlush?.();
  }

  /** Keeps delivering for up to `shutdownTimeoutMillis`; what is still held then is dropped and reported. */
  async shutdown(): Promise<void> {
    if (this._shutDown) return;
    this._shutDown = true;
    await this._drain(Date.now() + this._shutdownTimeoutMillis);
    if (this._queuedSpans > 0) {
      const left = this._queuedSpans;
      this._queue = [];
      this._queuedSpans = 0;
      this._drop(left, 'still undelivered at shutdown');
    }
    this._reportDrops();
    await this._exporter.shutdown();
  }

  /** Sends until the queue is empty; after a failed attempt, retries (with backoff) only until `deadline`. */
  private async _drain(deadline: number): Promise<void> {
    for (;;) {
      await this._sending;
      if (this._queuedSpans === 0) return;
      this._pump(true);
      await this._sending;
      if (this._failures === 0) continue;
      if (Date.now() >= deadline) return;
      this._clearRetryTimer();
      await sleep(Math.min(this._backoffMillis(), Math.max(0, deadline - Date.now())));
    }
  }

  /** Starts one send of the oldest held spans, unless one is running or a retry is waiting. */
  private _pump(now = false): void {
    if (this._sending || this._queue.length === 0) return;
    if (this._retryTimer !== undefined && !now) return;
    this._clearRetryTimer();
    const batch = this._takeBatch();
    this._sending = this._send(batch).finally(() => {
      this._sending = undefined;
      // Next batch at once after a success; after a failure the retry timer starts it.
      if (!this._shutDown && this._retryTimer === undefined) this._pump();
    });
  }

  /** Merges held batches from the front, up to `maxExportBatchSize` spans (a larger batch goes whole). */
  private _takeBatch(): { spans: ReadableSpan[]; batches: number } {
    const spans = [...(this._queue[0] ?? [])];
    let batches = 1;
    for (let next = this._queue[batches]; next && spans.length + next.length <= this._maxExportBatchSize; next = this._queue[batches]) {
      spans.push(...next);
      batches += 1;
    }
    return { spans, batches };
  }

  private async _send({ spans, batches }: { spans: ReadableSpan[]; batches: number }): Promise<void> {
    // The exporter's own HTTP requests must not be traced (the batch processor does the same).
    const result = await context.with(suppressTracing(context.active()), () => exportOnce(this._exporter, spans));
    if (result.code === ExportResultCode.SUCCESS || !isRetryableFailure(result.error)) {
      this._queue.splice(0, batches);
      this._queuedSpans -= spans.length;
      if (result.code !== ExportResultCode.SUCCESS) this._drop(spans.length, `the collector refused them (${reasonOf(result.error)})`);
      // Either way the collector answered: it is reachable again.
      this._recovered();
      return;
    }
    this._failures += 1;
    this._retryAfterMillis = retryAfterOf(result.error);
    if (this._outageSince === undefined) {
      this._outageSince = Date.now();
      diag.warn(`journeytrace: export failed (${reasonOf(result.error)}); holding spans and retrying (at most ${this._maxQueueSize}, ${RETRY_QUEUE_SIZE_ENV})`);
    }
    if (!this._shutDown) {
      this._retryTimer = setTimeout(() => {
        this._retryTimer = undefined;
        this._pump();
      }, this._backoffMillis());
      this._retryTimer.unref?.();
    }
  }

  private _recovered(): void {
    if (this._outageSince === undefined) return;
    diag.info(`journeytrace: export works again after ${Date.now() - this._outageSince} ms; ${this._queuedSpans} spans still held`);
    this._outageSince = undefined;
    this._failures = 0;
    this._retryAfterMillis = undefined;
  }

  /** The collector's `Retry-After` when it gave one, else the contract's backoff (jittered, so many services do not retry in step). */
  private _backoffMillis(): number {
    return retryDelayMillis(this._failures, this._retryAfterMillis, this._retryPolicy);
  }

  private _clearRetryTimer(): void {
    if (this._retryTimer !== undefined) clearTimeout(this._retryTimer);
    this._retryTimer = undefined;
  }

  private _drop(count: number, reason: string): void {
    this._dropped += count;
    this._unreported += count;
    this._lastDropReason = reason;
    // One report per second at most, with the running total: a full queue drops on every export.
    if (this._reportTimer !== undefined) return;
    this._reportTimer = setTimeout(() => this._reportDrops(), DROP_REPORT_INTERVAL_MILLIS);
    this._reportTimer.unref?.();
  }

  private _reportDrops(): void {
    if (this._reportTimer !== undefined) clearTimeout(this._reportTimer);
    this._reportTimer = undefined;
    if (this._unreported === 0) return;
    const report: DropReport = { droppedSpans: this._unreported, droppedSpansTotal: this._dropped, reason: this._lastDropReason };
    this._unreported = 0;
    diag.warn(formatDropReport(report));
    try {
      this._onDrop?.(report);
    } catch {
      // A reporter that fails must not fail the exporter.
    }
  }
}

/** The queue bound from the environment; a bad value is reported and the default used. */
export function queueSizeFromEnv(env: Record<string, string | undefined>): number | undefined {
  const value = readNumberSetting(RETRY_QUEUE_SIZE_ENV, env[RETRY_QUEUE_SIZE_ENV], { min: 1, max: 10_000_000, fallback: DEFAULT_RETRY_QUEUE_SIZE });
  return value === undefined ? undefined : Math.floor(value);
}

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => {
    try {
      exporter.export(spans, resolve);
    } catch (error) {
      resolve({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  });
}

function reasonOf(error: Error | undefined): string {
  if (!error) return 'no reason given';
  const code = (error as { code?: unknown }).code;
  return code !== undefined ? `${error.message || error.name} (${String(code)})` : error.message || error.name;
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
