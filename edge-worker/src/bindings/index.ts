/**
 * @module
 * Bindings in the journey: KV, D1, R2, the Cache API and service bindings, each wrapped by the
 * app where it uses them (nothing global is patched), one CLIENT span per operation.
 */
export { traceKV, type KVNamespaceLike } from './traceKV.js';
export { traceD1, type D1DatabaseLike, type D1PreparedStatementLike } from './traceD1.js';
export { traceR2, type R2BucketLike } from './traceR2.js';
export { traceCache, type CacheLike } from './traceCache.js';
export { traceService, type ServiceBindingLike, type TraceServiceOptions } from './traceService.js';
export { allowedBaggagePropagator } from './allowedBaggage.js';
export type { BindingTraceOptions } from './bindingSpan.js';
export { sanitizeSql, sqlOperation, QUERY_TEXT_MAX_LENGTH } from './sqlText.js';
export * from './semconv.js';
