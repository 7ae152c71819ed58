/**
 * Limits and names from the W3C specifications, named after them.
 * @see https://www.w3.org/TR/trace-context-2/
 * @see https://www.w3.org/TR/baggage/
 */
export const TRACE_PARENT_HEADER = 'traceparent';
export const TRACE_STATE_HEADER = 'tracestate';
export const BAGGAGE_HEADER = 'baggage';

/** The version this implementation writes. */
export const TRACE_PARENT_VERSION = '00';
/** `00-` + 32 + `-` + 16 + `-` + 2. */
export const TRACE_PARENT_VERSION_00_LENGTH = 55;
/** Trace flags this version understands: sampled (bit 0) and, in Level 2, random (bit 1). */
export const TRACE_FLAG_SAMPLED = 0x01;
export const TRACE_FLAG_RANDOM = 0x02;
export const KNOWN_TRACE_FLAGS = TRACE_FLAG_SAMPLED | TRACE_FLAG_RANDOM;

/** A tracestate with more list-members is invalid (Trace Context, tracestate "list"). */
export const TRACE_STATE_MAX_MEMBERS = 32;
/** Vendors SHOULD propagate at least this many characters; longer headers are truncated. */
export const TRACE_STATE_MAX_LENGTH = 512;
/** When truncating, list-members longer than this go first. */
export const TRACE_STATE_TRUNCATE_MEMBER_LENGTH = 128;

/** Baggage limits: list-members and bytes per header (W3C Baggage, "Limits"). */
export const BAGGAGE_MAX_MEMBERS = 180;
export const BAGGAGE_MAX_BYTES = 8192;
