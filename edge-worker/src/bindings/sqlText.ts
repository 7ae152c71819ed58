/**
 * SQL text safe to record as `db.query.text`: literals replaced by `?`, as the database
 * conventions ask ("parameterized, or sanitized"), so a value written into the statement (a
 * name, an email) never reaches the trace. Bound parameters are never read at all.
 * @see https://opentelemetry.io/docs/specs/semconv/database/database-spans/#sanitization-of-dbquerytext
 */

/** Longest query text recorded; longer text is cut (a statement can be built at any size). */
export const QUERY_TEXT_MAX_LENGTH = 2048;

// String literals ('...' with '' escapes), blob and hex literals (X'..', 0x..), numbers not
// part of an identifier (t1, col_2 stay), and the SQL keywords TRUE/FALSE stay as written.
const LITERALS = /'(?:[^']|'')*'?|\b[xX]'[0-9a-fA-F]*'|\b0[xX][0-9a-fA-F]+\b|(?<![\w$.?:@])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b/g;

/** The statement with every literal replaced by `?`, cut at {@link QUERY_TEXT_MAX_LENGTH}. */
export function sanitizeSql(sql: string): string {
  const bounded = sql.length > QUERY_TEXT_MAX_LENGTH * 2 ? sql.slice(0, QUERY_TEXT_MAX_LENGTH * 2) : sql;
  const sanitized = bounded.replace(LITERALS, '?').replace(/\s+/g, ' ').trim();
  return sanitized.length > QUERY_TEXT_MAX_LENGTH ? sanitized.slice(0, QUERY_TEXT_MAX_LENGTH) : sanitized;
}

/** The statement's command keyword (`SELECT`, `INSERT`, ...), upper-cased, skipping leading comments; `undefined` when there is none. */
export function sqlOperation(sql: string): string | undefined {
  const match = /^(?:\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/.exec(sql.slice(0, 512));
  return match?.[1]?.toUpperCase();
}
