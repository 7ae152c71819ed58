/**
 * The collector's metrics output (its file exporter's OTLP/JSON lines) read for the journey
 * tests: the HTTP duration histogram points, and which services sent metrics at all.
 */
import { expect, readExportRequests } from '@journeytrace/playwright';

export interface Exemplar {
  asDouble: number;
  traceId: string;
}

/** One data point of a duration histogram (delta: each export's points count what came since the last). */
export interface HistogramPoint {
  service: string;
  attributes: Record<string, string | number>;
  count: number;
  exemplars: Exemplar[];
}

type KeyValue = { key: string; value: { stringValue?: string; intValue?: string } };
interface MetricsRequest {
  resourceMetrics?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeMetrics?: Array<{
      metrics?: Array<{ name: string; unit?: string; histogram?: { dataPoints?: Array<{ attributes?: KeyValue[]; count?: string; exemplars?: Exemplar[] }> } }>;
    }>;
  }>;
}

const serviceOf = (attributes: KeyValue[] | undefined) => attributes?.find((a) => a.key === 'service.name')?.value?.stringValue ?? '';

/** Every point of the histogram `name` (in seconds) in the file, of every service. */
export async function readHistograms(file: string, name: string): Promise<HistogramPoint[]> {
  const found: HistogramPoint[] = [];
  for (const request of await readExportRequests<MetricsRequest>(file)) {
    for (const rm of request.resourceMetrics ?? []) {
      const service = serviceOf(rm.resource?.attributes);
      for (const sm of rm.scopeMetrics ?? []) {
        for (const metric of sm.metrics ?? []) {
          if (metric.name !== name) continue;
          expect(metric.unit).toBe('s');
          for (const point of metric.histogram?.dataPoints ?? []) {
            const attributes = Object.fromEntries((point.attributes ?? []).map((a) => [a.key, a.value.stringValue ?? Number(a.value.intValue)]));
            found.push({ service, attributes, count: Number(point.count ?? 0), exemplars: point.exemplars ?? [] });
          }
        }
      }
    }
  }
  return found;
}

/** The service names that sent any metric. */
export async function metricServices(file: string): Promise<Set<string>> {
  const services = new Set<string>();
  for (const request of await readExportRequests<MetricsRequest>(file)) {
    for (const rm of request.resourceMetrics ?? []) services.add(serviceOf(rm.resource?.attributes));
  }
  return services;
}
