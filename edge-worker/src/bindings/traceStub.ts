import { createTracedFetch } from '../fetch/tracedFetch.js';
import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { allowedBaggagePropagator } from './allowedBaggage.js';
import { wrapBinding, type BindingTraceOptions } from './bindingSpan.js';
import { callRpc } from './rpc.js';
import { ATTR_JOURNEYTRACE_BINDING_NAME } from './semconv.js';

export interface TraceStubOptions extends BindingTraceOptions {
  /**
   * The baggage keys the other side may receive; the others stay behind. Default: none (the
   * trace context only). List the journey's keys to carry them on, e.g. `['session.id', 'user.tier']`.
   */
  baggageKeys?: readonly string[];
  /**
   * Whether RPC calls pass the trace context, as one extra last argument that `traceEntrypoint`
   * takes off on the other side. Turn it off for an entrypoint not wrapped by `traceEntrypoint`
   * (its methods would see the extra argument); the calls are still spans. Default: true.
   */
  rpcContext?: boolean;
}

/** The tracing, with a propagator that passes on only the allowed baggage. */
function tracingWithBaggage(tracing: EdgeTracing, baggageKeys: readonly string[]): EdgeTracing {
  return Object.create(tracing, { propagator: { value: allowedBaggagePropagator(tracing.propagator, baggageKeys) } }) as EdgeTracing;
}

/**
 * Wraps anything that answers `fetch` and RPC methods (a service binding, a Durable Object stub):
 * `fetch` is a traced fetch (CLIENT span, trace headers to the other side, baggage cut to the
 * allow-list), every other method a CLIENT span `<name>/<method>` passing the context on.
 */
export function traceStub<S extends object>(stub: S, name: string, options: TraceStubOptions): S {
  const tracing = tracingWithBaggage(options.tracing, options.baggageKeys ?? []);
  const propagate = options.rpcContext ?? true;
  return wrapBinding(
    stub,
    { fetch: (original) => createTracedFetch(tracing, () => true, original as typeof fetch, { [ATTR_JOURNEYTRACE_BINDING_NAME]: name }) },
    (method, original) =>
      (...args: never[]) =>
        callRpc(tracing, name, method, original, args, propagate),
  );
}
