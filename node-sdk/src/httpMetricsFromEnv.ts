import { otlpEndpointFromEnv, otlpHeadersFromEnv, otlpSignalUrl, readNumberSetting } from '@journeytrace/contract';
import { HttpMetrics } from '@journeytrace/contract/metrics';

export interface NodeHttpMetrics {
  readonly metrics: HttpMetrics;
  /** Stops the export timer and sends what is recorded. */
  shutdown(): Promise<void>;
}

/**
 * HTTP duration histograms with exemplars for a Node service, sent every
 * `OTEL_METRIC_EXPORT_INTERVAL` ms (default 60000) to `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, else
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`, with `OTEL_EXPORTER_OTLP_HEADERS` (and the
 * metrics-specific headers): the same credentials as the traces. A bad interval is warned.
 */
export function httpMetricsFromEnv(serviceName: string, env: Record<string, string | undefined> = process.env): NodeHttpMetrics {
  const metrics = new HttpMetrics({
    metricsUrl: otlpEndpointFromEnv(env, 'metrics') ?? otlpSignalUrl('http://localhost:4318', 'metrics'),
    headers: otlpHeadersFromEnv(env, 'metrics'),
    resource: { 'service.name': serviceName },
  });
  const interval = readNumberSetting('OTEL_METRIC_EXPORT_INTERVAL', env.OTEL_METRIC_EXPORT_INTERVAL, { min: 100, max: 86_400_000, fallback: 60_000 }) ?? 60_000;
  const timer = setInterval(() => void metrics.flush(), interval);
  timer.unref();
  return {
    metrics,
    shutdown: async () => {
      clearInterval(timer);
      await metrics.flush();
    },
  };
}
