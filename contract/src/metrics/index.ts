export {
  DurationHistogram,
  HTTP_DURATION_BOUNDARIES_SECONDS,
  MAX_SERIES,
  bucketIndex,
  type Exemplar,
  type HistogramPoint,
  type MetricAttributes,
} from './durationHistogram.js';
export { exemplarPriority } from './exemplarPriority.js';
export { HttpMetrics, type HttpMetricsOptions, type RequestOutcome } from './httpMetrics.js';
export { histogramsToOtlpJson, type CounterMetric, type HistogramMetric } from './otlpMetricsJson.js';
