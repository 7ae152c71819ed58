/**
 * @module
 * journeytrace for the edge: continue the browser's journey trace in a Hono worker.
 */
export { trace, type TraceBindings, type TraceOptions, type TraceVariables } from './middleware/trace/index.js';
export { traceCors, TRACE_HEADERS, type TraceCorsOptions } from './middleware/cors/index.js';
export { createTracedFetch, propagateToOrigins, type PropagateTo } from './fetch/tracedFetch.js';
export { createEdgeTracing, type EdgeTracing, type EdgeTracingConfig } from './telemetry/edgeTracing.js';
export { tracingFromEnv, type TracingBindings } from './telemetry/tracingFromEnv.js';
export { OTLPFetchSpanExporter, type OTLPFetchSpanExporterOptions } from './export/OTLPFetchSpanExporter.js';
export { BaggageSpanProcessor, DEFAULT_PROMOTED_BAGGAGE_KEYS } from './baggage/BaggageSpanProcessor.js';
export { AsyncLocalStorageContextManager } from './telemetry/AsyncLocalStorageContextManager.js';
