/**
 * @module
 * journeytrace for the edge: continue the browser's journey trace in a Hono worker.
 */
export { trace, type TraceBindings, type TraceOptions, type TraceVariables } from './middleware/trace/index.js';
export { traceCors, TRACE_HEADERS, type TraceCorsOptions } from './middleware/cors/index.js';
export { createTracedFetch, propagateToOrigins, type PropagateTo } from './fetch/tracedFetch.js';
export { createEdgeTracing, type EdgeTracing, type EdgeTracingConfig } from './telemetry/edgeTracing.js';
export { tracingFromEnv, type TracingBindings } from './telemetry/tracingFromEnv.js';
export { SAMPLER_NAMES, type SamplerConfig, type SamplerName } from './telemetry/sampler.js';
export { OTLPFetchSpanExporter, type OTLPFetchSpanExporterOptions } from './export/OTLPFetchSpanExporter.js';
export { EdgeBatchSpanProcessor, type EdgeBatchSpanProcessorOptions, type DropReport } from './export/EdgeBatchSpanProcessor.js';
export { ExportFailure, PROMOTED_BAGGAGE_KEYS as DEFAULT_PROMOTED_BAGGAGE_KEYS } from '@journeytrace/contract';
export { BaggageSpanProcessor } from '@journeytrace/contract/baggage-span-processor';
export { JourneytraceSpill, spillTo, spillSpansTo, type Spill, type SpillBindings, type SpillNamespace } from './spill/index.js';
export { AsyncLocalStorageContextManager } from './telemetry/AsyncLocalStorageContextManager.js';
export { EdgeTracer } from './telemetry/EdgeTracer.js';
export { EdgeSpan, SPAN_LIMITS, type EdgeSpanScope } from './telemetry/EdgeSpan.js';
export {
  W3CPropagator,
  injectedTraceParent,
  parseTraceParent,
  formatTraceParent,
  parseTraceState,
  W3CTraceState,
  parseBaggage,
  serializeBaggage,
  withRandomTraceId,
  TRACE_STATE_MAX_MEMBERS,
  TRACE_STATE_MAX_LENGTH,
  BAGGAGE_MAX_MEMBERS,
  BAGGAGE_MAX_BYTES,
  type TraceParent,
  type BaggageMember,
} from '@journeytrace/contract/propagation';
export { signSessionToken, verifySessionToken, sessionTokenVerifier, type SessionClaims, type SignSessionOptions, type SessionTokenVerifierOptions, type VerifyUser } from './session/index.js';
export { applyVerifiedUser, withVerifiedUser, DEFAULT_CLAIMED_BAGGAGE_KEYS, type VerifiedUser } from './baggage/verifiedClaims.js';
export { traceContextConformance, parseConformanceCalls, conformanceCallOffLoopback, type ConformanceCall } from './conformance/index.js';
export { isLoopbackUrl } from './net/isLoopbackUrl.js';
export { injectTraceparentMeta, traceparentMetaTag } from './middleware/trace/htmlMeta.js';
