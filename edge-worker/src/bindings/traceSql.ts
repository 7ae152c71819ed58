import { SPAN_KIND } from '../tracer/api.js';
import { activeContext } from '../context/activeContext.js';
import { markError } from '../queue/tracedQueue.js';
import { wrapBinding, type BindingTraceOptions } from './bindingSpan.js';
import { ATTR_DB_NAMESPACE, ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_TEXT, ATTR_DB_SYSTEM_NAME, DB_SYSTEM_NAME_VALUE_SQLITE } from './semconv.js';
import { sanitizeSql, sqlOperation } from './sqlText.js';

/** A Durable Object's SQL storage (`ctx.storage.sql`), structurally. */
export interface SqlStorageLike {
  exec(query: string, ...bindings: unknown[]): unknown;
}

/**
 * Wraps a Durable Object's SQL storage: each `exec` is a CLIENT span `<SQL command> <namespace>`
 * with `db.system.name=sqlite`, `db.namespace` (e.g. the object's class), `db.operation.name`
 * and `db.query.text` with literals replaced by `?` (bindings are never read). `exec` is
 * synchronous and answers a cursor: the span covers the call, the rows are read afterwards.
 *
 * @example
 * ```ts
 * const sql = traceSql(this.ctx.storage.sql, 'Cart', { tracing: tracingFromEnv(this.env) })
 * sql.exec('INSERT INTO items (sku) VALUES (?)', sku)
 * ```
 */
export function traceSql<S extends SqlStorageLike>(sql: S, namespace: string, options: BindingTraceOptions): S {
  const { tracing } = options;
  return wrapBinding(sql, {
    exec:
      (original) =>
      (...args: never[]) => {
        const query = String(args[0] as unknown);
        const operation = sqlOperation(query);
        const span = tracing.tracer.startSpan(
          operation ? `${operation} ${namespace}` : namespace,
          {
            kind: SPAN_KIND.CLIENT,
            attributes: {
              [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_SQLITE,
              [ATTR_DB_NAMESPACE]: namespace,
              ...(operation ? { [ATTR_DB_OPERATION_NAME]: operation } : {}),
              [ATTR_DB_QUERY_TEXT]: sanitizeSql(query),
            },
          },
          activeContext(),
        );
        try {
          return original(...args);
        } catch (error) {
          markError(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
  });
}
