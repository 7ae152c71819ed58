/**
 * The batch ids (`journeytrace-batch-id`) a relay has recently passed on, so a batch a page sends
 * again (it kept a copy at page hide while the first send was still unanswered) is answered
 * without being forwarded twice. Per isolate and bounded: a repeat reaching another isolate, or
 * coming after `capacity` newer batches, is forwarded again (and shows as a duplicate span id).
 */
export interface RecentBatchIds {
  /** Whether `id` was passed on recently. */
  has(id: string): boolean;
  /** Remembers `id`, forgetting the oldest beyond the capacity. */
  add(id: string): void;
}

/** 22-64 URL-safe characters (the web SDK sends 22: 128 random bits, base64url). */
const BATCH_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** A well-formed batch id from the header, else `undefined` (an id is a hint, never required). */
export function batchIdOf(header: string | null): string | undefined {
  return header && BATCH_ID.test(header) ? header : undefined;
}

export function recentBatchIds(capacity = 4096): RecentBatchIds {
  // A Set keeps insertion order: its first entry is the oldest.
  const ids = new Set<string>();
  return {
    has: (id) => ids.has(id),
    add(id) {
      ids.delete(id);
      ids.add(id);
      if (ids.size > capacity) {
        const oldest = ids.values().next();
        if (!oldest.done) ids.delete(oldest.value);
      }
    },
  };
}
