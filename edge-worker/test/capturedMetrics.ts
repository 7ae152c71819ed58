/**
 * An `HttpMetrics` whose exports land in memory instead of at a collector: each OTLP/JSON body
 * it sends, in order. Used by tests only.
 */
import { HttpMetrics, type HttpMetricsOptions } from '@journeytrace/contract/metrics';

export function capturedMetrics(options: Partial<Omit<HttpMetricsOptions, 'fetch'>> = {}): { metrics: HttpMetrics; bodies: string[] } {
  const bodies: string[] = [];
  const metrics = new HttpMetrics({
    metricsUrl: 'http://collector.test/v1/metrics',
    resource: {},
    ...options,
    fetch: async (_input, init) => {
      bodies.push(String(init?.body));
      return new Response(null, { status: 200 });
    },
  });
  return { metrics, bodies };
}
