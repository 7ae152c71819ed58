/**
 * Route latency from the collector's metrics output (OTLP JSON lines of delta histograms):
 * p50/p95 per service and route of `http.server.request.duration`, and an exemplar from the
 * slowest bucket that has one, which links a slow bucket to an example journey.
 */
import { readExportRequests } from '@journeytrace/playwright/collector-output';

export interface RouteLatency {
  service: string;
  method: string;
  route: string;
  count: number;
  p50Seconds: number;
  p95Seconds: number;
  /** An exemplar from the slowest bucket that has one. */
  slowExample?: { traceId: string; spanId: string; seconds: number };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpPoint {
  attributes?: Array<{ key: string; value?: OtlpValue }>;
  count?: string | number;
  bucketCounts?: Array<string | number>;
  explicitBounds?: number[];
  max?: number;
  exemplars?: Array<{ asDouble?: number; traceId?: string; spanId?: string }>;
}
interface OtlpMetricsRequest {
  resourceMetrics?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: OtlpValue }> };
    scopeMetrics?: Array<{ metrics?: Array<{ name: string; histogram?: { dataPoints?: OtlpPoint[] } }> }>;
  }>;
}

interface Series {
  service: string;
  method: string;
  route: string;
  bounds: number[];
  counts: number[];
  max: number;
  exemplars: Map<number, { traceId: string; spanId: string; seconds: number }>;
}

const METRIC = 'http.server.request.duration';

export async function readRouteLatency(metricsFile: string): Promise<RouteLatency[]> {
  const series = new Map<string, Series>();
  for (const request of await readExportRequests<OtlpMetricsRequest>(metricsFile)) {
    for (const resourceMetrics of request.resourceMetrics ?? []) {
      const service = stringAttribute(resourceMetrics.resource?.attributes, 'service.name') ?? '?';
      for (const scope of resourceMetrics.scopeMetrics ?? []) {
        for (const metric of scope.metrics ?? []) {
          if (metric.name !== METRIC) continue;
          for (const point of metric.histogram?.dataPoints ?? []) addPoint(series, service, point);
        }
      }
    }
  }
  return [...series.values()]
    .map((entry) => {
      const count = entry.counts.reduce((sum, value) => sum + value, 0);
      const slowestBucket = [...entry.exemplars.keys()].sort((a, b) => b - a)[0];
      return {
        service: entry.service,
        method: entry.method,
        route: entry.route,
        count,
        p50Seconds: quantile(entry.bounds, entry.counts, entry.max, 0.5),
        p95Seconds: quantile(entry.bounds, entry.counts, entry.max, 0.95),
        slowExample: slowestBucket === undefined ? undefined : entry.exemplars.get(slowestBucket),
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.route.localeCompare(b.route));
}

function addPoint(series: Map<string, Series>, service: string, point: OtlpPoint): void {
  const route = stringAttribute(point.attributes, 'http.route');
  if (!route) return;
  const method = stringAttribute(point.attributes, 'http.request.method') ?? '';
  const bounds = point.explicitBounds ?? [];
  const key = JSON.stringify([service, method, route, bounds]);
  let entry = series.get(key);
  if (!entry) {
    entry = { service, method, route, bounds, counts: new Array<number>(bounds.length + 1).fill(0), max: 0, exemplars: new Map() };
    series.set(key, entry);
  }
  for (const [index, value] of (point.bucketCounts ?? []).entries()) entry.counts[index] = (entry.counts[index] ?? 0) + Number(value);
  entry.max = Math.max(entry.max, point.max ?? 0);
  for (const exemplar of point.exemplars ?? []) {
    if (!exemplar.traceId || !exemplar.spanId || exemplar.asDouble === undefined) continue;
    const bucket = bucketOf(bounds, exemplar.asDouble);
    entry.exemplars.set(bucket, { traceId: exemplar.traceId, spanId: exemplar.spanId, seconds: exemplar.asDouble });
  }
}

/**
 * The q-quantile estimated from bucket counts: linear within the bucket that holds it (from 0
 * for the first bucket; up to the observed max for the overflow bucket).
 */
export function quantile(bounds: readonly number[], counts: readonly number[], max: number, q: number): number {
  const total = counts.reduce((sum, value) => sum + value, 0);
  if (total === 0) return 0;
  const rank = q * total;
  let seen = 0;
  for (let index = 0; index < counts.length; index += 1) {
    const count = counts[index]!;
    if (count > 0 && seen + count >= rank) {
      const lower = index === 0 ? 0 : bounds[index - 1]!;
      const upper = index < bounds.length ? Math.min(bounds[index]!, Math.max(max, lower)) : Math.max(max, lower);
      return lower + ((rank - seen) / count) * (upper - lower);
    }
    seen += count;
  }
  return max;
}

function bucketOf(bounds: readonly number[], value: number): number {
  const index = bounds.findIndex((bound) => value <= bound);
  return index === -1 ? bounds.length : index;
}

function stringAttribute(attributes: Array<{ key: string; value?: OtlpValue }> | undefined, key: string): string | undefined {
  return attributes?.find((attribute) => attribute.key === key)?.value?.stringValue;
}
