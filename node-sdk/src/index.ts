/**
 * @module
 * journeytrace for Node origin services: the Node-side pieces of the kit, with the contract's
 * rules (`@journeytrace/contract`) and no dependency on the Workers package.
 */
export { RetryingSpanExporter, RETRY_QUEUE_SIZE_ENV, DEFAULT_RETRY_QUEUE_SIZE, type RetryingSpanExporterOptions } from './RetryingSpanExporter.js';
export { OTLPHttpSpanExporter, type OTLPHttpSpanExporterOptions } from './OTLPHttpSpanExporter.js';
export { httpMetricsFromEnv, type NodeHttpMetrics } from './httpMetricsFromEnv.js';
export { batchOptionsFromEnv, type BatchOptions } from './batchOptionsFromEnv.js';
export { BaggageSpanProcessor } from '@journeytrace/contract/baggage-span-processor';
export { W3CPropagator } from '@journeytrace/contract/propagation';
export { HttpMetrics, type HttpMetricsOptions, type RequestOutcome } from '@journeytrace/contract/metrics';
export { log, PROMOTED_BAGGAGE_KEYS, ATTR_SESSION_ID, ATTR_USER_TIER, ATTR_ENDUSER_ID, type DropReport } from '@journeytrace/contract';
