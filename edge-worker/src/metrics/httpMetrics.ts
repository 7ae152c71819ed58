import { diag, type SpanContext } from '@opentelemetry/api';
import { TRACE_FLAGS } from '../telemetry/api.js';
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
  readonly server: DurationHistogram;
  readonly client: DurationHistogram;
  private _failedExports = 0;
  private _lastFlushMillis: number;
  private readonly _startMillis: number;

  constructor(private readonly _options: HttpMetricsOptions) {
    this.server = new DurationHistogram('http.server.request.duration', 'Duration of HTTP server requests.', 's', undefined, _options.now);
    this.client = new DurationHistogram('http.client.request.duration', 'Duration of HTTP client requests.', 's', undefined, _options.now);
    this._lastFlushMillis = (_options.now ?? Date.now)();
    this._startMillis = this._lastFlushMillis;
  }

  /**
   * Flushes when the export interval has passed since the last flush. On Workers, call it in
   * `waitUntil` after each request: one metrics request per interval rather than per request.
   * What an evicted isolate recorded since its last flush is lost (the price of not sending
   * a request for every request).
   */
  async flushIfDue(): Promise<void> {
    if (this.isDue()) await this.flush();
  }

  /** Whether the export interval has passed since the last flush. */
  isDue(): boolean {
    const now = (this._options.now ?? Date.now)();
    return now - this._lastFlushMillis >= (this._options.exportIntervalMillis ?? 10_000);
  }

  /** Exports that failed (their points are counted here, not silently lost). */
  get failedExports(): number {
    return this._failedExports;
  }

  recordServer(outcome: RequestOutcome): void {
    record(this.server, outcome);
  }

  recordClient(outcome: RequestOutcome): void {
    record(this.client, outcome);
  }

  /** Sends everything recorded since the last flush (delta). Never throws. */
  async flush(): Promise<void> {
    this._lastFlushMillis = (this._options.now ?? Date.now)();
    const metrics = [this.server, this.client].map((histogram) => ({
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
    const send = this._options.fetch ?? ((input, init) => fetch(input, init));
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
}

function record(histogram: DurationHistogram, outcome: RequestOutcome): void {
  const sampled = outcome.spanContext && (outcome.spanContext.traceFlags & TRACE_FLAGS.SAMPLED) === TRACE_FLAGS.SAMPLED;
  histogram.record(
    outcome.durationSeconds,
    outcome.attributes,
    sampled
      ? {
          traceId: outcome.spanContext!.traceId,
          spanId: outcome.spanContext!.spanId,
          priority: exemplarPriority(outcome),
        }
      : undefined,
  );
}
