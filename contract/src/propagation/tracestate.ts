import type { TraceState } from '@opentelemetry/api';
import { TRACE_STATE_MAX_LENGTH, TRACE_STATE_MAX_MEMBERS, TRACE_STATE_TRUNCATE_MEMBER_LENGTH } from '../w3c/limits.js';

// Key grammar (Trace Context Level 2, tracestate "key"):
//   key = ( lcalpha / DIGIT ) 0*255 ( keychar )
//   keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"
// so up to 256 characters, and '@' anywhere after the first: the Level 1 tenant@system split
// (241 and 14 characters) is gone, and every Level 1 key is still valid.
const KEY = /^[a-z0-9][a-z0-9_\-*/@]{0,255}$/;
// Value: up to 256 printable ASCII characters except "," and "=", not ending in a space.
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const OWS_EDGES = /^[ \t]+|[ \t]+$/g;

export const isValidTraceStateKey = (key: string) => KEY.test(key);
export const isValidTraceStateValue = (value: string) => VALUE.test(value);

/**
 * An immutable, validated `tracestate` (W3C Trace Context Level 2).
 *
 * `set` moves the key to the front as the spec asks of a vendor updating its entry; invalid
 * keys or values leave the state unchanged rather than throwing.
 */
export class W3CTraceState implements TraceState {
  private readonly _members: ReadonlyArray<readonly [string, string]>;

  constructor(members: ReadonlyArray<readonly [string, string]> = []) {
    this._members = members;
  }

  get(key: string): string | undefined {
    return this._members.find(([k]) => k === key)?.[1];
  }

  set(key: string, value: string): W3CTraceState {
    if (!isValidTraceStateKey(key) || !isValidTraceStateValue(value)) return this;
    const rest = this._members.filter(([k]) => k !== key);
    return new W3CTraceState([[key, value] as const, ...rest].slice(0, TRACE_STATE_MAX_MEMBERS));
  }

  unset(key: string): W3CTraceState {
    return new W3CTraceState(this._members.filter(([k]) => k !== key));
  }

  /** The header value, truncated to {@link TRACE_STATE_MAX_LENGTH} characters by the spec's rule. */
  serialize(): string {
    return limitTraceState(this._members.map(([key, value]) => `${key}=${value}`)).join(',');
  }

  get size(): number {
    return this._members.length;
  }
}

/**
 * Parses a `tracestate` header (several headers arrive joined by commas). Returns `undefined`
 * when the list is empty or invalid: a bad key or value, or more than
 * {@link TRACE_STATE_MAX_MEMBERS} list-members invalidates the whole header, which is then dropped.
 *
 * A duplicated key does not invalidate it (Level 2: a vendor is not responsible for duplicates
 * added upstream, MAY drop them, and MUST NOT send a key twice): the first entry, the left-most
 * and so the latest position, is kept and later ones are dropped, as the W3C test harness does.
 */
export function parseTraceState(header: string): W3CTraceState | undefined {
  const members: Array<readonly [string, string]> = [];
  const seen = new Set<string>();
  let listMembers = 0;
  for (const raw of header.split(',')) {
    const member = raw.replace(OWS_EDGES, '');
    if (member === '') continue; // Empty list-members are allowed and ignored.
    if (++listMembers > TRACE_STATE_MAX_MEMBERS) return undefined;
    const eq = member.indexOf('=');
    if (eq <= 0) return undefined;
    const key = member.slice(0, eq);
    const value = member.slice(eq + 1);
    if (!isValidTraceStateKey(key) || !isValidTraceStateValue(value)) return undefined;
    if (seen.has(key)) continue;
    seen.add(key);
    members.push([key, value]);
  }
  return members.length > 0 ? new W3CTraceState(members) : undefined;
}

/**
 * Truncation rule of the spec: while the header is too long, drop list-members longer than
 * 128 characters (from the end) first, then members from the end of the list.
 */
function limitTraceState(members: string[]): string[] {
  const kept = [...members];
  const length = () => kept.reduce((sum, member) => sum + member.length, 0) + Math.max(0, kept.length - 1);
  while (kept.length > 0 && length() > TRACE_STATE_MAX_LENGTH) {
    let long = -1;
    for (let i = kept.length - 1; i >= 0; i--) {
      if ((kept[i]?.length ?? 0) > TRACE_STATE_TRUNCATE_MEMBER_LENGTH) {
        long = i;
        break;
      }
    }
    kept.splice(long >= 0 ? long : kept.length - 1, 1);
  }
  return kept;
}
