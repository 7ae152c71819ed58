import {
  KNOWN_TRACE_FLAGS,
  TRACE_FLAG_RANDOM,
  TRACE_FLAG_SAMPLED,
  TRACE_PARENT_VERSION,
  TRACE_PARENT_VERSION_00_LENGTH,
} from './constants.js';

/** A valid `traceparent`, as read. */
export interface TraceParent {
  version: string;
  traceId: string;
  parentId: string;
  /** Only the flags this version knows (sampled, random); unknown bits are cleared. */
  traceFlags: number;
}

// Lowercase hex only: the spec's HEXDIGLC. The tail after the flags is allowed only for
// future versions, and must then start with "-".
const TRACE_PARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/s;
const ALL_ZERO = /^0+$/;
// HTTP optional white space: space and horizontal tab.
const OWS_EDGES = /^[ \t]+|[ \t]+$/g;

/**
 * Parses a `traceparent` header by W3C Trace Context Level 2; `null` when it is invalid, in
 * which case the caller starts a new trace.
 *
 * - Version `ff` is invalid. Version `00` must be exactly 55 characters.
 * - A higher (future) version is parsed as version 00 on its first four fields; anything
 *   after them must begin with `-` ("parse the fields you know").
 * - All-zero trace or parent ids are invalid.
 * - Two headers joined by a comma (a duplicated header) are invalid by length or tail.
 */
export function parseTraceParent(header: string): TraceParent | null {
  const value = header.replace(OWS_EDGES, '');
  const match = TRACE_PARENT.exec(value);
  if (!match) return null;
  const [, version, traceId, parentId, flags, tail] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff') return null;
  if (version === TRACE_PARENT_VERSION && (tail !== undefined || value.length !== TRACE_PARENT_VERSION_00_LENGTH)) return null;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(parentId)) return null;
  return { version, traceId, parentId, traceFlags: parseInt(flags, 16) & KNOWN_TRACE_FLAGS };
}

/** Writes a version-00 `traceparent`; flags other than sampled and random are never sent. */
export function formatTraceParent(traceId: string, spanId: string, traceFlags: number): string {
  const flags = (traceFlags & KNOWN_TRACE_FLAGS).toString(16).padStart(2, '0');
  return `${TRACE_PARENT_VERSION}-${traceId}-${spanId}-${flags}`;
}

export const isSampled = (traceFlags: number) => (traceFlags & TRACE_FLAG_SAMPLED) !== 0;
export const isRandom = (traceFlags: number) => (traceFlags & TRACE_FLAG_RANDOM) !== 0;
