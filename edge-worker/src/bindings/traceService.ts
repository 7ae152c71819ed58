import { createTracedFetch } from '../fetch/tracedFetch.js';
import type { EdgeTracing } from '../telemetry/edgeTracing.js';
import { wrapBinding, type BindingTraceOptions } from './bindingSpan.js';
import { allowedBaggagePropagator } from './allowedBaggage.js';
import { ATTR_JOURNEYTRACE_BINDING_NAME } from './semconv.js';

/** A service binding (`Fetcher`), structurally. */
export interface ServiceBindingLike {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

export interface TraceServiceOptions extends BindingTraceOptions {
  /**
   * The baggage keys the bound Worker may receive; the others stay behind. Default: none (the
   * bound Worker gets the trace context only). List the journey's keys to carry them on, e.g.
   * `['session.id', 'user.tier']`.
   */
  baggageKeys?: readonly string[];
}

/** The traced fetch's tracing, with a propagator that passes on only the allowed baggage. */
function tracingWithBaggage(tracing: EdgeTracing, baggageKeys: readonly string[]): EdgeTracing {
  return Object.create(tracing, { propagator: { value: allowedBaggagePropagator(tracing.propagator, baggageKeys) } }) as EdgeTracing;
}

/**
 * Wraps a service binding so that `fetch` through it is a CLIENT span (HTTP client conventions,
 * as `c.var.tracedFetch`, plus `journeytrace.binding.name`) whose context goes to the bound Worker in `traceparent`/`tracestate`
 * headers; the bound Worker's own `trace()` middleware continues the trace in its SERVER span.
 * Baggage crosses only for the keys in `baggageKeys`. A service binding is the app's own
 * Worker, so the trace headers always go. Everything else on the binding passes through.
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
  const tracing = tracingWithBaggage(options.tracing, options.baggageKeys ?? []);
  return wrapBinding(service, {
    fetch: (original) => createTracedFetch(tracing, () => true, original as typeof fetch, { [ATTR_JOURNEYTRACE_BINDING_NAME]: bindingName }),
  });
}
