import { diag, type SpanContext } from '@opentelemetry/api';
import { TRACE_FLAGS } from '../api.js';
import { DurationHistogram, type MetricAttributes } from './durationHistogram.js';
import { exemplarPriority } from './exemplarPriority.js';
import { histogramsToOtlpJson } from './otlpMetricsJson.js';

export interface HttpMetricsOptions {
  /** Full metrics URL, e.g. `http://127.0.0.1:4318/v1/metrics`. */
  metricsUrl: string;
  /** Resource attributes of the points (service.name, ...). */
  resource: MetricAttributes;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * `flushIfDue()` sends at most this often (ms). Default 10000 (`OTEL_METRIC_EXPORT_INTERVAL`
   * where the caller reads it). 0 sends on every call.
   */
  exportIntervalMillis?: number;
  /**
   * Monotonic counts sent beside the histograms as cumulative sums (since this object was
   * made), read at each flush: e.g. the spans the edge dropped.
   */
  counters?: ReadonlyArray<{ name: string; description: string; unit: string; read: () => number }>;
}

export interface RequestOutcome {
  durationSeconds: number;
  attributes: MetricAttributes;
  /** The request's span: its ids become the exemplar when it is sampled. */
  spanContext?: SpanContext;
  error: boolean;
  /** The verified user tier, if any (premium/vip journeys are kept by the tail sampler). */
  tier?: string;
}

/**
 * The stable HTTP duration histograms (`http.server.request.duration`,
 * `http.client.request.duration`, seconds) with exemplars, sent as OTLP/JSON on `flush()`.
 */
export class HttpMetrics {
  private readonly _server: DurationHistogram;
  private readonly _client: DurationHistogram;
  /** Whether anything was recorded since the last flush. */
  private _unsent = false;
  /** The flush a request's `waitUntil` is waiting for, if any. */
  private _scheduled: Promise<void> | undefined;
  private _failedExports = 0;
  private _lastFlushMillis: number;
  private readonly _startMillis: number;

  constructor(private readonly _options: HttpMetricsOptions) {
    this._server = new DurationHistogram('http.server.request.duration', 'Duration of HTTP server requests.', 's', undefined, _options.now);
    this._client = new DurationHistogram('http.client.request.duration', 'Duration of HTTP client requests.', 's', undefined, _options.now);
    this._lastFlushMillis = (_options.now ?? Date.now)();
    this._startMillis = this._lastFlushMillis;
  }

  /** Flushes when the export interval has passed since the last flush. */
  async flushIfDue(): Promise<void> {
    if (this.isDue()) await this.flush();
  }

  /**
   * For a request's `waitUntil` on Workers: sends now when the export interval has passed.
   * Otherwise, when something is recorded and no request waits yet, this request waits
   * `maxHoldMillis` (or until the interval has passed, if sooner) and then sends when the
   * interval has passed or the isolate is idle (`isIdle`): an idle isolate may get no further
   * request, and what it holds when evicted is lost. Under traffic the interval still sets
   * the pace. Undefined when there is nothing to do (most requests). Never rejects.
   */
  flushWhenDue(options: { isIdle?: () => boolean; maxHoldMillis?: number } = {}): Promise<void> | undefined {
    if (this.isDue()) return this.flush();
    if (!this._unsent || this._scheduled) return undefined;
    const now = this._now();
    const holdMillis = Math.min(options.maxHoldMillis ?? 1000, this._lastFlushMillis + this._intervalMillis() - now);
    const scheduled = new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, holdMillis)))
      // Another request may have sent it meanwhile; a busy isolate sends when the interval is up.
      .then(() => (this._unsent && (this.isDue() || (options.isIdle?.() ?? true)) ? this.flush() : undefined))
      .finally(() => {
        if (this._scheduled === scheduled) this._scheduled = undefined;
      });
    this._scheduled = scheduled;
    return scheduled;
  }

  /** Whether the export interval has passed since the last flush. */
  isDue(): boolean {
    const now = this._now();
    return now - this._lastFlushMillis >= this._intervalMillis();
  }

  private _now(): number {
    return (this._options.now ?? Date.now)();
  }

  private _intervalMillis(): number {
    return this._options.exportIntervalMillis ?? 10_000;
  }

  /** Exports that failed (their points are counted here, not silently lost). */
  get failedExports(): number {
    return this._failedExports;
  }

  /** Records a server request's outcome (`http.server.request.duration`); it is sent with the next flush. */
  recordServer(outcome: RequestOutcome): void {
    this._record(this._server, outcome);
  }

  /** Records an outbound call's outcome (`http.client.request.duration`); it is sent with the next flush. */
  recordClient(outcome: RequestOutcome): void {
    this._record(this._client, outcome);
  }

  /** Sends everything recorded since the last flush (delta). Never throws. */
  async flush(): Promise<void> {
    this._unsent = false;
    this._lastFlushMillis = this._now();
    const metrics = [this._server, this._client].map((histogram) => ({
      name: histogram.name,
      description: histogram.description,
      unit: histogram.unit,
      points: histogram.collect(),
    }));
    const counters = (this._options.counters ?? []).map((counter) => ({
      name: counter.name,
      description: counter.description,
      unit: counter.unit,
      value: counter.read(),
      startUnixMillis: this._startMillis,
      timeUnixMillis: this._lastFlushMillis,
    }));
    if (metrics.every((metric) => metric.points.length === 0) && counters.every((counter) => counter.value === 0)) return;
    const body = histogramsToOtlpJson(this._options.resource, '@journeytrace/edge', metrics, counters);
    const send = this._options.fetch ?? callGlobalFetch;
    try {
      const response = await send(this._options.metricsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this._options.headers },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`collector answered ${response.status}`);
    } catch (error) {
      this._failedExports += 1;
      diag.warn(`journeytrace: metrics export failed (${this._failedExports} so far): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Added to its series at once: what a request leaves behind is a few counters and at most one
   * exemplar per bucket, nothing that waits for a later fold (objects held across GCs cost more
   * than the record itself).
   */
  private _record(histogram: DurationHistogram, outcome: RequestOutcome): void {
    this._unsent = true;
    const { spanContext } = outcome;
    const sampled = spanContext !== undefined && (spanContext.traceFlags & TRACE_FLAGS.SAMPLED) === TRACE_FLAGS.SAMPLED;
    histogram.record(outcome.durationSeconds, outcome.attributes, sampled ? spanContext : undefined, sampled ? exemplarPriority(outcome) : 0);
  }
}

/**
 * The global `fetch`, looked up at each call (tests and runtimes may replace it) and called with
 * no receiver: a `fetch` kept as a method of another object fails in workerd ("Illegal invocation").
 */
const callGlobalFetch: typeof fetch = (input, init) => fetch(input, init);
