import type { Attributes, Span } from '@opentelemetry/api';
import { inBindingSpan, wrapBinding, type BindingTraceOptions } from './bindingSpan.js';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_RETURNED_ROWS,
  ATTR_DB_SYSTEM_NAME,
  DB_SYSTEM_NAME_VALUE_SQLITE,
} from './semconv.js';
import { sanitizeSql, sqlOperation } from './sqlText.js';

/** A D1 prepared statement, structurally (`D1PreparedStatement`). */
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike;
  first(column?: never): Promise<unknown>;
  all(): Promise<unknown>;
  run(): Promise<unknown>;
  raw(options?: never): Promise<unknown>;
}

/** The D1 methods traced; a `D1Database` binding fits. */
export interface D1DatabaseLike {
  prepare(query: string): D1PreparedStatementLike;
  batch(statements: never[]): Promise<unknown>;
  exec(query: string): Promise<unknown>;
}

/** What a traced statement remembers: the binding's own statement (which `batch` needs) and its query. */
interface StatementOrigin {
  statement: D1PreparedStatementLike;
  sql: string;
}

const origins = new WeakMap<object, StatementOrigin>();

/** Rows in a D1 result: `all()`/`run()` give `{ results }`, `raw()` an array. */
function returnedRows(result: unknown): number | undefined {
  if (Array.isArray(result)) return result.length;
  const rows = (result as { results?: unknown }).results;
  return Array.isArray(rows) ? rows.length : undefined;
}

/**
 * Wraps a D1 binding: each statement run (`first`, `all`, `run`, `raw` on a statement from
 * `prepare`), each `batch` and each `exec` is a CLIENT span `<SQL command> <binding>` with
 * `db.system.name=sqlite` (D1 is SQLite; the registry has no D1 value), `db.namespace` the
 * binding's name, `db.operation.name` the SQL command (`BATCH <command>` or `BATCH` for a
 * batch, with `db.operation.batch.size`), `db.query.text` with every literal replaced by `?`
 * (bound values are never read), and `db.response.returned_rows`.
 *
 * @example
 * ```ts
 * const db = traceD1(c.env.DB, 'DB', { tracing: tracingFromEnv(c.env) })
 * const row = await db.prepare('SELECT stock FROM items WHERE id = ?').bind(id).first()
 * ```
 */
export function traceD1<D extends D1DatabaseLike>(database: D, bindingName: string, options: BindingTraceOptions): D {
  const { tracing } = options;
  const common = { [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_SQLITE, [ATTR_DB_NAMESPACE]: bindingName };
  const describeRows = (result: unknown, span: Span) => {
    const rows = returnedRows(result);
    if (rows !== undefined) span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, rows);
  };
  const queryAttributes = (sql: string): Attributes => {
    const operation = sqlOperation(sql);
    return { ...common, ...(operation ? { [ATTR_DB_OPERATION_NAME]: operation } : {}), [ATTR_DB_QUERY_TEXT]: sanitizeSql(sql) };
  };
  const spanName = (operation: string | undefined) => (operation ? `${operation} ${bindingName}` : bindingName);

  const tracedStatement = (statement: D1PreparedStatementLike, sql: string): D1PreparedStatementLike => {
    const runs =
      (describe: (result: unknown, span: Span) => void) =>
      (original: (...args: never[]) => unknown) =>
      (...args: never[]) =>
        inBindingSpan(tracing, spanName(sqlOperation(sql)), queryAttributes(sql), () => original(...args) as Promise<unknown>, describe);
    const run = runs(describeRows);
    const traced = wrapBinding(statement, {
      // `bind` gives a new statement of the same query: trace it too.
      bind:
        (original) =>
        (...values: never[]) =>
          tracedStatement(original(...values) as D1PreparedStatementLike, sql),
      // `first()` answers the first row (or one column of it), null when there is none.
      first: runs((result, span) => span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, result === null ? 0 : 1)),
      all: run,
      run,
      raw: run,
    });
    origins.set(traced, { statement, sql });
    return traced;
  };

  return wrapBinding(database, {
    prepare: (original) => (query: never) => tracedStatement(original(query) as D1PreparedStatementLike, query),
    batch: (original) => (statements: never) => {
      const list = statements as readonly object[];
      const known = list.map((statement) => origins.get(statement));
      const operations = new Set(known.map((origin) => (origin ? sqlOperation(origin.sql) : undefined)));
      const [only] = operations;
      const operation = operations.size === 1 && only ? `BATCH ${only}` : 'BATCH';
      const attributes: Attributes = { ...common, [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_OPERATION_BATCH_SIZE]: list.length };
      if (known.every((origin) => origin !== undefined)) {
        // The conventions join a batch's queries with `; `.
        attributes[ATTR_DB_QUERY_TEXT] = sanitizeSql(known.map((origin) => origin?.sql ?? '').join('; '));
      }
      // D1 accepts only its own statements: hand back the ones the wrapper stands in for.
      const unwrapped = list.map((statement, index) => known[index]?.statement ?? statement);
      return inBindingSpan(tracing, `${operation} ${bindingName}`, attributes, () => original(unwrapped as never) as Promise<unknown>);
    },
    exec: (original) => (query: never) =>
      inBindingSpan(tracing, spanName(sqlOperation(query)), queryAttributes(query), () => original(query) as Promise<unknown>),
  });
}
