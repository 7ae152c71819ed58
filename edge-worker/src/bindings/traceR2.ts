import type { Span } from '@opentelemetry/api';
import { inBindingSpan, wrapBinding, type BindingTraceOptions } from './bindingSpan.js';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_RESPONSE_RETURNED_ROWS,
  ATTR_DB_SYSTEM_NAME,
  ATTR_JOURNEYTRACE_LOOKUP_OUTCOME,
  DB_SYSTEM_NAME_VALUE_CLOUDFLARE_R2,
  LOOKUP_OUTCOME_VALUE_HIT,
  LOOKUP_OUTCOME_VALUE_MISS,
} from './semconv.js';

/** The R2 methods traced; an `R2Bucket` binding fits. */
export interface R2BucketLike {
  head(key: never): Promise<unknown>;
  get(key: never, options?: never): Promise<unknown>;
  put(key: never, value: never, options?: never): Promise<unknown>;
  delete(keys: never): Promise<unknown>;
  list(options?: never): Promise<{ objects: readonly unknown[] }>;
}

/**
 * Wraps an R2 bucket binding: `head`, `get`, `put`, `delete` and `list` each run in a CLIENT
 * span `<operation> <binding>` (`db.system.name=cloudflare.r2`, `db.namespace` the binding's
 * name); `head` and `get` say `hit` or `miss`; a `delete` of several keys has
 * `db.operation.batch.size`. Object keys, bodies and metadata are never recorded. Multipart
 * uploads and everything else pass through untouched.
 *
 * @example
 * ```ts
 * const assets = traceR2(c.env.ASSETS, 'ASSETS', { tracing: tracingFromEnv(c.env) })
 * const banner = await assets.get('banner.png')
 * ```
 */
export function traceR2<B extends R2BucketLike>(bucket: B, bindingName: string, options: BindingTraceOptions): B {
  const { tracing } = options;
  const lookup = (found: unknown, span: Span) =>
    span.setAttribute(ATTR_JOURNEYTRACE_LOOKUP_OUTCOME, found === null || found === undefined ? LOOKUP_OUTCOME_VALUE_MISS : LOOKUP_OUTCOME_VALUE_HIT);
  const traced =
    (operation: string, describe?: (result: never, span: Span) => void) =>
    (original: (...args: never[]) => unknown) =>
    (...args: never[]) =>
      inBindingSpan(
        tracing,
        `${operation} ${bindingName}`,
        {
          [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_CLOUDFLARE_R2,
          [ATTR_DB_NAMESPACE]: bindingName,
          [ATTR_DB_OPERATION_NAME]: operation,
          ...(Array.isArray(args[0]) ? { [ATTR_DB_OPERATION_BATCH_SIZE]: (args[0] as unknown[]).length } : {}),
        },
        () => original(...args) as Promise<never>,
        describe,
      );
  return wrapBinding(bucket, {
    head: traced('head', lookup),
    get: traced('get', lookup),
    put: traced('put'),
    delete: traced('delete'),
    list: traced('list', (listed: { objects: readonly unknown[] }, span) => span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, listed.objects.length)),
  });
}
