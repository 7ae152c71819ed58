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
export { traceStub, type TraceStubOptions } from './traceStub.js';
export { traceDurableObject, type DurableObjectNamespaceLike } from './traceDurableObject.js';
export { traceSql, type SqlStorageLike } from './traceSql.js';
export { traceEntrypoint, type TraceEntrypointOptions, ATTR_FAAS_TRIGGER, FAAS_TRIGGER_VALUE_TIMER } from './traceEntrypoint.js';
export { carryContext, carriedHeaders, inCarriedTrace, CARRIED_CONTEXT_MAX_LENGTH, type CarryContextOptions, type CarriedSpan } from './carriedContext.js';
export { setTracedAlarm, ALARM_CONTEXT_STORAGE_KEY, type AlarmStorageLike } from './tracedAlarm.js';
export { traceScheduled, type ScheduledControllerLike, type TraceScheduledOptions, ATTR_FAAS_CRON, ATTR_FAAS_TIME } from './traceScheduled.js';
export { RPC_CONTEXT_FIELD, ATTR_RPC_METHOD, ATTR_RPC_SERVICE, ATTR_RPC_SYSTEM, RPC_SYSTEM_VALUE_CLOUDFLARE_WORKERS, type RpcContextArgument } from './rpc.js';
export type { WaitUntil } from './invocationSpan.js';
export { tracedBindings, type BindingKind, type BindingSpec, type TracedBindingsOptions, type TracedBindingsVariables } from './tracedBindings.js';
