/**
 * SQLite (better-sqlite3) with each query traced as a CLIENT span under the stable database
 * semantic conventions: `db.system.name`, `db.operation.name`, `db.collection.name` and
 * `db.query.text` with every literal replaced by `?` (values never reach the trace).
 */
import { createRequire } from 'node:module';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type BetterSqlite3 from 'better-sqlite3';

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
  run(sql: string, ...params: unknown[]): BetterSqlite3.RunResult;
  /** Reads one row. */
  get<T>(sql: string, ...params: unknown[]): T | undefined;
  close(): void;
}

export function openDatabase(path: string): TracedDatabase {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
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
    get: <T>(sql: string, ...params: unknown[]) => traced(sql, () => prepared(sql).get(...params) as T | undefined),
    close: () => db.close(),
  };
}
