import { diag, TraceFlags, type SpanContext } from '@opentelemetry/api';
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

  constructor(private readonly _options: HttpMetricsOptions) {
    this.server = new DurationHistogram('http.server.request.duration', 'Duration of HTTP server requests.', 's', undefined, _options.now);
    this.client = new DurationHistogram('http.client.request.duration', 'Duration of HTTP client requests.', 's', undefined, _options.now);
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
    const metrics = [this.server, this.client].map((histogram) => ({
      name: histogram.name,
      description: histogram.description,
      unit: histogram.unit,
      points: histogram.collect(),
    }));
    if (metrics.every((metric) => metric.points.length === 0)) return;
    const body = histogramsToOtlpJson(this._options.resource, '@journeytrace/edge', metrics);
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
  const sampled = outcome.spanContext && (outcome.spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
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
