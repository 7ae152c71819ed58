/**
 * @module
 * W3C Trace Context Level 2 and W3C Baggage: pure parsers and the propagator built on them.
 */
export { parseTraceParent, formatTraceParent, type TraceParent } from './traceparent.js';
export { parseTraceState, W3CTraceState, isValidTraceStateKey, isValidTraceStateValue } from './tracestate.js';
export { parseBaggage, serializeBaggage, type BaggageMember } from './baggage.js';
export { canonicalBaggageKey, isCanonicalBaggageKey } from './baggageKey.js';
export { W3CPropagator, injectedTraceParent, withRandomTraceId } from './W3CPropagator.js';
export * from '../w3c/limits.js';
