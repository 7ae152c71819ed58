import { traceStub, type TraceStubOptions } from './traceStub.js';

/** A service binding (`Fetcher`), structurally. */
export interface ServiceBindingLike {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

export type TraceServiceOptions = TraceStubOptions;

/**
 * Wraps a service binding so that `fetch` through it is a CLIENT span (HTTP client conventions,
 * as `c.var.tracedFetch`, plus `journeytrace.binding.name`) whose context goes to the bound
 * Worker in `traceparent`/`tracestate` headers; the bound Worker's own `trace()` middleware
 * continues the trace in its SERVER span. RPC methods of a `WorkerEntrypoint` are CLIENT spans
 * `<binding>/<method>` whose context the entrypoint, wrapped by `traceEntrypoint`, continues.
 * Baggage crosses only for the keys in `baggageKeys`. A service binding is the app's own
 * Worker, so the trace context always goes.
 *
 * @example
 * ```ts
 * const recommendations = traceService(c.env.RECOMMENDATIONS, 'RECOMMENDATIONS', {
 *   tracing: tracingFromEnv(c.env),
 *   baggageKeys: ['session.id', 'user.tier'],
 * })
 * const response = await recommendations.fetch('https://recommendations/for-cart')
 * ```
 */
export function traceService<S extends ServiceBindingLike>(service: S, bindingName: string, options: TraceServiceOptions): S {
  return traceStub(service, bindingName, options);
}
