import type { SpilledBatch } from './types.js';

/** What the store may hold: bytes of bodies together, and how long one waits at most. */
export interface SpillBounds {
  maxBytes: number;
  maxAgeMillis: number;
}

/**
 * 64 MiB (a SQLite-backed Durable Object holds up to 10 GB; a value up to 2 MiB) and 24 hours
 * (a collector down for a day has bigger problems than one edge's spans).
 */
export const DEFAULT_SPILL_BOUNDS: SpillBounds = { maxBytes: 64 * 1024 * 1024, maxAgeMillis: 24 * 60 * 60 * 1000 };

/**
 * Which stored batches to give up, oldest first: those older than `maxAgeMillis`, then as many
 * of the oldest as it takes to bring the bytes (`heldBytes` of everything held, plus
 * `incomingBytes`) under `maxBytes`. `oldest` is the head of the store in storage order (oldest
 * first), so the store never has to read all it holds. Pure: the store deletes and counts them.
 */
export function batchesOverBounds<K>(
  oldest: ReadonlyArray<readonly [K, Pick<SpilledBatch, 'storedAtMillis'> & { body: { byteLength: number } }]>,
  heldBytes: number,
  incomingBytes: number,
  bounds: SpillBounds,
  nowMillis: number,
): K[] {
  let bytes = heldBytes + incomingBytes;
  const over: K[] = [];
  for (const [key, batch] of oldest) {
    const expired = nowMillis - batch.storedAtMillis > bounds.maxAgeMillis;
    if (!expired && bytes <= bounds.maxBytes) break;
    over.push(key);
    bytes -= batch.body.byteLength;
  }
  return over;
}
