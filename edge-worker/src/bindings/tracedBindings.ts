import type { MiddlewareHandler } from 'hono';
import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { tracingFromEnv, type TracingBindings } from '../otelEnv/tracingFromEnv.js';
import { traceD1, type D1DatabaseLike } from './traceD1.js';
import { traceDurableObject, type DurableObjectNamespaceLike } from './traceDurableObject.js';
import { traceKV, type KVNamespaceLike } from './traceKV.js';
import { traceR2, type R2BucketLike } from './traceR2.js';
import { traceService, type ServiceBindingLike } from './traceService.js';

/** What a binding is, so the middleware knows which wrapper it takes. */
export type BindingKind = 'kv' | 'd1' | 'r2' | 'service' | 'durableObject';

/**
 * A binding's kind, with the baggage keys that may cross it when it leads to other code (a
 * service binding or a Durable Object): its own allow-list, in place of the middleware's.
 */
export type BindingSpec = BindingKind | { kind: BindingKind; baggageKeys: readonly string[] };

export interface TracedBindingsOptions<Env> {
  /** Where the spans go. Default: `tracingFromEnv(c.env)`, the tracing `trace()` uses by default. */
  tracing?: (env: Env) => EdgeTracing;
  /**
   * Baggage keys that may cross service bindings and into Durable Objects, for the bindings
   * that name no allow-list of their own. Default: none.
   */
  baggageKeys?: readonly string[];
}

/** `c.var.bindings`: the listed bindings, traced, with their own types. */
export type TracedBindingsVariables<Env, Names extends keyof Env> = { bindings: Pick<Env, Names> };

function wrap(spec: BindingSpec, binding: object, name: string, tracing: EdgeTracing, defaultBaggageKeys: readonly string[] | undefined): object {
  const { kind, baggageKeys } = typeof spec === 'string' ? { kind: spec, baggageKeys: defaultBaggageKeys } : spec;
  switch (kind) {
    case 'kv':
      return traceKV(binding as KVNamespaceLike, name, { tracing });
    case 'd1':
      return traceD1(binding as D1DatabaseLike, name, { tracing });
    case 'r2':
      return traceR2(binding as R2BucketLike, name, { tracing });
    case 'service':
      return traceService(binding as ServiceBindingLike, name, { tracing, baggageKeys });
    case 'durableObject':
      return traceDurableObject(binding as DurableObjectNamespaceLike, name, { tracing, baggageKeys });
  }
}

/**
 * Hono middleware that gives handlers the listed bindings traced, as `c.var.bindings`, wrapped
 * once per bindings object (once per isolate on Workers: the wrappers read the active span at
 * each call, so they are shared by all requests). Put it after `trace()`. A listed binding the
 * environment lacks is left out (with no error), and `c.env` itself stays as it was.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Bindings: Env; Variables: TracedBindingsVariables<Env, 'PRICES' | 'DB'> }>()
 * app.use(trace())
 * app.use(tracedBindings<Env, 'PRICES' | 'DB'>({ PRICES: 'kv', DB: 'd1' }))
 * app.get('/prices', async (c) => c.json(await c.var.bindings.PRICES.get('price-list', 'json')))
 * ```
 * A binding that leads to other code may name its own baggage allow-list:
 * `{ CARTS: { kind: 'durableObject', baggageKeys: ['session.id'] } }`.
 */
export function tracedBindings<Env extends object, Names extends keyof Env & string>(
  kinds: { [N in Names]: BindingSpec },
  options: TracedBindingsOptions<Env> = {},
): MiddlewareHandler<{ Bindings: Env; Variables: TracedBindingsVariables<Env, Names> }> {
  const entries = Object.entries(kinds) as Array<[Names, BindingSpec]>;
  const wrappedByEnv = new WeakMap<object, Pick<Env, Names>>();
  return async function tracedBindings(c, next) {
    const env = c.env as Env;
    let wrapped = wrappedByEnv.get(env);
    if (!wrapped) {
      const tracing = options.tracing?.(env) ?? tracingFromEnv(env as TracingBindings);
      const made: Partial<Pick<Env, Names>> = {};
      for (const [name, spec] of entries) {
        const binding = env[name];
        if (typeof binding === 'object' && binding !== null) made[name] = wrap(spec, binding, name, tracing, options.baggageKeys) as Env[Names];
      }
      wrapped = made as Pick<Env, Names>;
      wrappedByEnv.set(env, wrapped);
    }
    c.set('bindings', wrapped);
    await next();
  };
}
