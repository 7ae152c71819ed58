/**
 * @module
 * The wire contract between journeytrace's browser SDK, edge worker, Node services and the
 * collector config, stated once: retry rules, `Retry-After`, backoff, the drop report, W3C
 * limits, the journey's baggage keys and allow-lists, the tail-sampling tiers and the `OTEL_*`
 * readers. Pure values and functions; the W3C propagator, HTTP metrics and the baggage span
 * processor are behind their own subpaths.
 */
export {
  isRetryableStatus,
  parseRetryAfter,
  backoffMillis,
  retryDelayMillis,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
} from './retry/retryPolicy.js';
export { ExportFailure, exportFailureFromResponse, exportFailureFromNetworkError, isRetryableFailure, retryAfterOf } from './retry/exportFailure.js';
export { formatDropReport, DROP_REPORT_INTERVAL_MILLIS, type DropReport } from './dropReport.js';
export * from './w3c/limits.js';
export {
  JOURNEY_BAGGAGE,
  BROWSER_BAGGAGE_KEYS,
  PROMOTED_BAGGAGE_KEYS,
  CLAIMED_BAGGAGE_KEYS,
  RELAYED_JOURNEY_ATTRIBUTES,
  ATTR_SESSION_ID,
  ATTR_USER_TIER,
  ATTR_ENDUSER_ID,
  type JourneyBaggageEntry,
  type JourneyBaggageKey,
} from './journeyBaggage.js';
export { TAIL_SAMPLING_KEPT_TIERS, SLOW_REQUEST_THRESHOLD_MILLIS } from './tailSampling.js';
export {
  otlpSignalUrl,
  otlpEndpointFromEnv,
  otlpHeadersFromEnv,
  parseKeyValuePairs,
  installDiagLogger,
  readNumberSetting,
  BATCH_SPAN_PROCESSOR_ENV,
  type OtlpSignal,
  type OtlpEndpointEnv,
  type LogLevel,
  type NumberSetting,
} from './otelEnv.js';
export { log } from './log.js';
