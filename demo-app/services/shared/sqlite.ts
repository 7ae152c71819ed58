/**
 * SQLite (Node's built-in `node:sqlite`) with each query traced as a CLIENT span under the stable
 * database semantic conventions: `db.system.name`, `db.operation.name`, `db.collection.name` and
 * `db.query.text` with every literal replaced by `?` (values never reach the trace).
 *
 * Built in rather than better-sqlite3: nothing to compile on a fresh machine (better-sqlite3 has
 * no prebuilt binary reachable here and builds from source for minutes), and the same speed for
 * the checkout's queries (figures in bench/NOTES.md, "Origin SQLite").
 */
import { DatabaseSync, type SQLInputValue, type StatementResultingChanges, type StatementSync } from 'node:sqlite';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

export const ATTR_DB_SYSTEM_NAME = 'db.system.name';
export const ATTR_DB_OPERATION_NAME = 'db.operation.name';
export const ATTR_DB_COLLECTION_NAME = 'db.collection.name';
export const ATTR_DB_QUERY_TEXT = 'db.query.text';

const STRING_LITERAL = /'(?:[^']|'')*'/g;
const NUMBER_LITERAL = /\b\d+(?:\.\d+)?\b/g;

/** The query text with string and number literals replaced by `?`. */
export function sanitizeQuery(sql: string): string {
  return sql.replace(STRING_LITERAL, '?').replace(NUMBER_LITERAL, '?').replace(/\s+/g, ' ').trim();
}

/** The operation and the table a single-table statement works on. */
export function describeQuery(sql: string): { operation: string; collection?: string } {
  const words = sql.trim().split(/\s+/);
  const operation = (words[0] ?? '').toUpperCase();
  const match = /\b(?:FROM|INTO|UPDATE|TABLE(?: IF NOT EXISTS)?)\s+["`]?([A-Za-z_][\w]*)/i.exec(sql);
  return { operation, collection: match?.[1] };
}

export interface TracedDatabase {
  /** Runs a statement that changes data. */
  run(sql: string, ...params: SQLInputValue[]): StatementResultingChanges;
  /** Reads one row. */
  get<T>(sql: string, ...params: SQLInputValue[]): T | undefined;
  close(): void;
}

export function openDatabase(path: string): TracedDatabase {
  const db = new DatabaseSync(path);
  // synchronous=NORMAL is what better-sqlite3 was built with (SQLITE_DEFAULT_WAL_SYNCHRONOUS=1);
  // node:sqlite's FULL syncs the disk on every commit, ~25x slower per order here.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  const statements = new Map<string, StatementSync>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const traced = <T>(sql: string, execute: () => T): T => {
    const { operation, collection } = describeQuery(sql);
    const tracer = trace.getTracer('journeytrace-demo-sqlite');
    return tracer.startActiveSpan(
      collection ? `${operation} ${collection}` : operation,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: 'sqlite',
          [ATTR_DB_OPERATION_NAME]: operation,
          ...(collection ? { [ATTR_DB_COLLECTION_NAME]: collection } : {}),
          [ATTR_DB_QUERY_TEXT]: sanitizeQuery(sql),
        },
      },
      (span) => {
        try {
          return execute();
        } catch (error) {
          const err = error instanceof Error ? error : new Error(String(error));
          span.recordException(err);
          span.setAttribute('error.type', err.name);
          span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
          throw error;
        } finally {
          span.end();
        }
      },
    );
  };
  return {
    run: (sql, ...params) => traced(sql, () => prepared(sql).run(...params)),
    get: <T>(sql: string, ...params: SQLInputValue[]) => traced(sql, () => prepared(sql).get(...params) as T | undefined),
    close: () => db.close(),
  };
}
