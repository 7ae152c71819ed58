import { KNOWN_TRACE_FLAGS, TRACE_FLAG_RANDOM, TRACE_FLAG_SAMPLED, TRACE_PARENT_VERSION, TRACE_PARENT_VERSION_00_LENGTH } from '../w3c/limits.js';

/** A valid `traceparent`, as read. */
export interface TraceParent {
  version: string;
  traceId: string;
  parentId: string;
  /** Only the flags this version knows (sampled, random); unknown bits are cleared. */
  traceFlags: number;
}

/**
 * Parses a `traceparent` header by W3C Trace Context Level 2; `null` when it is invalid, in
 * which case the caller starts a new trace.
 *
 * - Optional white space (space, tab) around the value is ignored.
 * - Only lowercase hex (the spec's HEXDIGLC). Version `ff` is invalid. Version `00` must be
 *   exactly 55 characters.
 * - A higher (future) version is parsed as version 00 on its first four fields; anything
 *   after them must begin with `-` ("parse the fields you know").
 * - All-zero trace or parent ids are invalid.
 * - Two headers joined by a comma (a duplicated header) are invalid by length or tail.
 *
 * Written out character by character rather than as a regular expression: it runs on every
 * request, and this way makes no intermediate strings or match arrays.
 */
export function parseTraceParent(header: string): TraceParent | null {
  let start = 0;
  let end = header.length;
  while (start < end && isOws(header.charCodeAt(start))) start += 1;
  while (end > start && isOws(header.charCodeAt(end - 1))) end -= 1;
  const length = end - start;
  if (length < TRACE_PARENT_VERSION_00_LENGTH) return null;
  // Fields: version [0,2) - traceId [3,35) - parentId [36,52) - flags [53,55), then the tail.
  if (!isLowerHex(header, start, 2) || !isLowerHex(header, start + 3, 32) || !isLowerHex(header, start + 36, 16) || !isLowerHex(header, start + 53, 2))
    return null;
  if (header.charCodeAt(start + 2) !== DASH || header.charCodeAt(start + 35) !== DASH || header.charCodeAt(start + 52) !== DASH) return null;
  const version = header.slice(start, start + 2);
  if (version === 'ff') return null;
  if (length > TRACE_PARENT_VERSION_00_LENGTH && (version === TRACE_PARENT_VERSION || header.charCodeAt(start + 55) !== DASH)) return null;
  if (isAllZero(header, start + 3, 32) || isAllZero(header, start + 36, 16)) return null;
  return {
    version,
    traceId: header.slice(start + 3, start + 35),
    parentId: header.slice(start + 36, start + 52),
    traceFlags: parseInt(header.slice(start + 53, start + 55), 16) & KNOWN_TRACE_FLAGS,
  };
}

const DASH = 0x2d;

/** HTTP optional white space: space and horizontal tab. */
const isOws = (code: number) => code === 0x20 || code === 0x09;

function isLowerHex(text: string, from: number, count: number): boolean {
  for (let i = from; i < from + count; i += 1) {
    const code = text.charCodeAt(i);
    if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66))) return false;
  }
  return true;
}

function isAllZero(text: string, from: number, count: number): boolean {
  for (let i = from; i < from + count; i += 1) if (text.charCodeAt(i) !== 0x30) return false;
  return true;
}

/** Writes a version-00 `traceparent`; flags other than sampled and random are never sent. */
export function formatTraceParent(traceId: string, spanId: string, traceFlags: number): string {
  const flags = (traceFlags & KNOWN_TRACE_FLAGS).toString(16).padStart(2, '0');
  return `${TRACE_PARENT_VERSION}-${traceId}-${spanId}-${flags}`;
}

export const isSampled = (traceFlags: number) => (traceFlags & TRACE_FLAG_SAMPLED) !== 0;
export const isRandom = (traceFlags: number) => (traceFlags & TRACE_FLAG_RANDOM) !== 0;
