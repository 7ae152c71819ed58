/** The id a sender gives an export request, the same on every try, so a repeat can be dropped. */
export const BATCH_ID_HEADER = 'journeytrace-batch-id';
/** Spans in a spilled batch, for the spill store's drop report. */
export const SPAN_COUNT_HEADER = 'journeytrace-span-count';
/** A value of a SQLite-backed Durable Object holds up to 2 MiB; keep room for the record around it. */
export const MAX_SPILLED_BODY_BYTES = 2 * 1024 * 1024 - 4096;
/** The one spill object of a worker (a single writer keeps its order and its bounds exact). */
export const SPILL_OBJECT_NAME = 'journeytrace-spill';
