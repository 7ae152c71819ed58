/** The id a sender gives an export request, the same on every try, so a repeat can be dropped. */
export const BATCH_ID_HEADER = 'journeytrace-batch-id';
/** Spans in a spilled batch, for the spill store's drop report. */
export const SPAN_COUNT_HEADER = 'journeytrace-span-count';
/** A value of a SQLite-backed Durable Object holds up to 2 MiB; keep room for the record around it. */
export const MAX_SPILLED_BODY_BYTES = 2 * 1024 * 1024 - 4096;
/**
 * The spill object of a worker (a single writer keeps its order and its bounds exact); with
 * shards, this is shard 0, so batches held before sharding are still sent.
 */
export const SPILL_OBJECT_NAME = 'journeytrace-spill';
/** Shards a worker may spread its spill over (`JOURNEYTRACE_SPILL_SHARDS`). */
export const MAX_SPILL_SHARDS = 64;

/** The name of spill shard `shard`: shard 0 is the unsharded object. */
export const spillObjectName = (shard: number): string => (shard === 0 ? SPILL_OBJECT_NAME : `${SPILL_OBJECT_NAME}:${shard}`);

/**
 * The shard a batch goes to: by its batch id when it has one (a page's retry of a batch finds the
 * shard that may hold it, which drops the repeat), else at random.
 */
export function spillShardOf(batchId: string | undefined, shards: number, random: () => number = Math.random): number {
  if (shards <= 1) return 0;
  if (!batchId) return Math.floor(random() * shards) % shards;
  let hash = 2166136261; // FNV-1a: stable across isolates and versions.
  for (let index = 0; index < batchId.length; index += 1) hash = Math.imul(hash ^ batchId.charCodeAt(index), 16777619);
  return (hash >>> 0) % shards;
}
