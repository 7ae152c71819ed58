import type { HistogramPoint, MetricAttributes } from './durationHistogram.js';

/** OTLP `AggregationTemporality.DELTA` and `CUMULATIVE`. */
const DELTA = 1;
const CUMULATIVE = 2;

/** A monotonic counter read at export time: one cumulative point since `startUnixMillis`. */
export interface CounterMetric {
  name: string;
  description: string;
  unit: string;
  value: number;
  startUnixMillis: number;
  timeUnixMillis: number;
}

export interface HistogramMetric {
  name: string;
  description: string;
  unit: string;
  points: HistogramPoint[];
}

const nanos = (millis: number) => `${Math.round(millis)}000000`;

function keyValues(attributes: MetricAttributes) {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value:
      typeof value === 'string'
        ? { stringValue: value }
        : typeof value === 'boolean'
          ? { boolValue: value }
          : Number.isInteger(value)
            ? { intValue: String(value) }
            : { doubleValue: value },
  }));
}

/** An OTLP/JSON ExportMetricsServiceRequest for histograms (exemplars included) and counters. */
export function histogramsToOtlpJson(resource: MetricAttributes, scopeName: string, metrics: HistogramMetric[], counters: CounterMetric[] = []): string {
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: keyValues(resource) },
        scopeMetrics: [
          {
            scope: { name: scopeName },
            metrics: [
              ...metrics
                .filter((metric) => metric.points.length > 0)
                .map((metric) => ({
                  name: metric.name,
                  description: metric.description,
                  unit: metric.unit,
                  histogram: {
                    aggregationTemporality: DELTA,
                    dataPoints: metric.points.map((point) => ({
                      attributes: keyValues(point.attributes),
                      startTimeUnixNano: nanos(point.startUnixMillis),
                      timeUnixNano: nanos(point.timeUnixMillis),
                      count: String(point.count),
                      sum: point.sum,
                      min: point.min,
                      max: point.max,
                      bucketCounts: point.bucketCounts.map(String),
                      explicitBounds: [...point.boundaries],
                      exemplars: point.exemplars.map((exemplar) => ({
                        timeUnixNano: nanos(exemplar.timeUnixMillis),
                        asDouble: exemplar.value,
                        traceId: exemplar.traceId,
                        spanId: exemplar.spanId,
                      })),
                    })),
                  },
                })),
              ...counters.map(counterToOtlp),
            ],
          },
        ],
      },
    ],
  });
}

function counterToOtlp(counter: CounterMetric) {
  return {
    name: counter.name,
    description: counter.description,
    unit: counter.unit,
    sum: {
      aggregationTemporality: CUMULATIVE,
      isMonotonic: true,
      dataPoints: [
        { startTimeUnixNano: nanos(counter.startUnixMillis), timeUnixNano: nanos(counter.timeUnixMillis), asInt: String(Math.round(counter.value)) },
      ],
    },
  };
}
