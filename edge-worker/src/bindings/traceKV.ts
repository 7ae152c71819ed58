import type { Span } from '@opentelemetry/api';
import { inBindingSpan, wrapBinding, type BindingTraceOptions } from './bindingSpan.js';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_RESPONSE_RETURNED_ROWS,
  ATTR_DB_SYSTEM_NAME,
  ATTR_JOURNEYTRACE_LOOKUP_OUTCOME,
  DB_SYSTEM_NAME_VALUE_CLOUDFLARE_KV,
  LOOKUP_OUTCOME_VALUE_HIT,
  LOOKUP_OUTCOME_VALUE_MISS,
} from './semconv.js';

/** The KV methods traced; a binding typed by `@cloudflare/workers-types` (`KVNamespace`) fits. */
export interface KVNamespaceLike {
  get(key: never, options?: never): Promise<unknown>;
  getWithMetadata(key: never, options?: never): Promise<{ value: unknown }>;
  put(key: never, value: never, options?: never): Promise<unknown>;
  delete(key: never): Promise<unknown>;
  list(options?: never): Promise<{ keys: readonly unknown[] }>;
}

/** A `hit` when something was found: one value, or any of a bulk get's. */
function lookupOutcome(found: unknown): string {
  if (found instanceof Map) return [...found.values()].some((value) => value !== null) ? LOOKUP_OUTCOME_VALUE_HIT : LOOKUP_OUTCOME_VALUE_MISS;
  return found === null || found === undefined ? LOOKUP_OUTCOME_VALUE_MISS : LOOKUP_OUTCOME_VALUE_HIT;
}

/**
 * Wraps a Workers KV binding: `get`, `getWithMetadata`, `put`, `delete` and `list` each run in
 * a CLIENT span `<operation> <binding>` (`db.system.name=cloudflare.kv`, `db.namespace` the
 * binding's name, `db.operation.name` the method), lookups say `hit` or `miss`, and errors
 * are recorded. Keys, values, metadata and list prefixes are never recorded: they may carry
 * personal data. Everything else on the binding passes through untouched.
 *
 * @example
 * ```ts
 * const prices = traceKV(c.env.PRICES, 'PRICES', { tracing: tracingFromEnv(c.env) })
 * const list = await prices.get('price-list', 'json')
 * ```
 */
export function traceKV<K extends KVNamespaceLike>(kv: K, bindingName: string, options: BindingTraceOptions): K {
  const { tracing } = options;
  const traced =
    (operation: string, describe?: (result: never, span: Span) => void) =>
    (original: (...args: never[]) => unknown) =>
    (...args: never[]) =>
      inBindingSpan(
        tracing,
        `${operation} ${bindingName}`,
        {
          [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_CLOUDFLARE_KV,
          [ATTR_DB_NAMESPACE]: bindingName,
          [ATTR_DB_OPERATION_NAME]: operation,
          ...(Array.isArray(args[0]) ? { [ATTR_DB_OPERATION_BATCH_SIZE]: (args[0] as unknown[]).length } : {}),
        },
        () => original(...args) as Promise<never>,
        describe,
      );
  return wrapBinding(kv, {
    get: traced('get', (found: unknown, span) => span.setAttribute(ATTR_JOURNEYTRACE_LOOKUP_OUTCOME, lookupOutcome(found))),
    getWithMetadata: traced('getWithMetadata', (found: { value: unknown }, span) =>
      span.setAttribute(ATTR_JOURNEYTRACE_LOOKUP_OUTCOME, lookupOutcome(found instanceof Map ? found : found.value)),
    ),
    put: traced('put'),
    delete: traced('delete'),
    list: traced('list', (listed: { keys: readonly unknown[] }, span) => span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, listed.keys.length)),
  });
}
