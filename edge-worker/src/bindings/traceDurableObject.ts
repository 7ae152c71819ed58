import { wrapBinding } from './bindingSpan.js';
import { traceStub, type TraceStubOptions } from './traceStub.js';

/** A Durable Object namespace binding, structurally (`DurableObjectNamespace`). */
export interface DurableObjectNamespaceLike {
  get(id: never, options?: never): object;
}

/**
 * Wraps a Durable Object namespace binding: the stubs from `get` and `getByName` are traced as
 * service bindings are (`fetch` a CLIENT span with the context in its headers; each RPC method
 * a CLIENT span `<binding>/<method>` passing the context on), so the object continues the trace:
 * its `fetch` with a Hono app under `trace()`, its RPC methods and `alarm()` through
 * `traceEntrypoint`. Ids (`idFromName`, ...) pass through; names are never recorded.
 *
 * @example
 * ```ts
 * const carts = traceDurableObject(c.env.CARTS, 'CARTS', { tracing: tracingFromEnv(c.env), baggageKeys: ['session.id'] })
 * const cart = carts.getByName(sessionId)
 * await cart.add('socks')
 * ```
 */
export function traceDurableObject<N extends DurableObjectNamespaceLike>(namespace: N, bindingName: string, options: TraceStubOptions): N {
  const stubOf =
    (original: (...args: never[]) => unknown) =>
    (...args: never[]) =>
      traceStub(original(...args) as object, bindingName, options);
  return wrapBinding(namespace, { get: stubOf, getByName: stubOf });
}
