import { inBindingSpan, wrapBinding, type BindingTraceOptions } from './bindingSpan.js';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_JOURNEYTRACE_LOOKUP_OUTCOME,
  DB_SYSTEM_NAME_VALUE_CLOUDFLARE_CACHE,
  LOOKUP_OUTCOME_VALUE_HIT,
  LOOKUP_OUTCOME_VALUE_MISS,
} from './semconv.js';

/** The Cache API methods traced; `caches.default` or a cache from `caches.open(name)` fits. */
export interface CacheLike {
  match(request: never, options?: never): Promise<Response | undefined>;
  put(request: never, response: never): Promise<unknown>;
  delete(request: never, options?: never): Promise<boolean>;
}

/**
 * Wraps one Cache API cache (never `globalThis.caches`): `match`, `put` and `delete` each run
 * in a CLIENT span `<operation> <cache>` (`db.system.name=cloudflare.cache`, `db.namespace`
 * the cache's name), `match` says `hit` or `miss`. Request URLs are never recorded (a query
 * string may carry personal data).
 *
 * @example
 * ```ts
 * const cache = traceCache(caches.default, 'default', { tracing: tracingFromEnv(c.env) })
 * const cached = await cache.match(c.req.raw)
 * ```
 */
export function traceCache<C extends CacheLike>(cache: C, cacheName: string, options: BindingTraceOptions): C {
  const { tracing } = options;
  const traced =
    (operation: string, outcome: boolean) =>
    (original: (...args: never[]) => unknown) =>
    (...args: never[]) =>
      inBindingSpan(
        tracing,
        `${operation} ${cacheName}`,
        { [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_CLOUDFLARE_CACHE, [ATTR_DB_NAMESPACE]: cacheName, [ATTR_DB_OPERATION_NAME]: operation },
        () => original(...args) as Promise<unknown>,
        outcome
          ? (found, span) => span.setAttribute(ATTR_JOURNEYTRACE_LOOKUP_OUTCOME, found ? LOOKUP_OUTCOME_VALUE_HIT : LOOKUP_OUTCOME_VALUE_MISS)
          : undefined,
      );
  return wrapBinding(cache, { match: traced('match', true), put: traced('put', false), delete: traced('delete', false) });
}
