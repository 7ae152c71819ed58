/**
 * A per-isolate token bucket per client. Bounded: at most `maxClients` buckets are kept, the
 * least recently seen client is forgotten first, so a flood of addresses cannot grow memory.
 * It limits one isolate only (Cloudflare runs many); it is a guard against a runaway page,
 * not a quota.
 */

export interface RateLimiterOptions {
  /** Requests a client may send per window (also the burst size). */
  requestsPerWindow: number;
  /** Default 60000. */
  windowMillis?: number;
  /** Buckets kept at most. Default 10000. */
  maxClients?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Spends one of the client's tokens and returns 0, or, with none left, returns how long until
 * the next one (ms): what `Retry-After` should say.
 */
export type RateLimiter = (clientKey: string) => number;

interface Bucket {
  tokens: number;
  updatedAtMillis: number;
}

/** Returns `take(clientKey)`: 0 when the client may send now (a token is spent), else the wait in ms. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const capacity = Math.max(1, options.requestsPerWindow);
  const windowMillis = Math.max(1, options.windowMillis ?? 60_000);
  const maxClients = Math.max(1, options.maxClients ?? 10_000);
  const now = options.now ?? Date.now;
  const refillPerMilli = capacity / windowMillis;
  const buckets = new Map<string, Bucket>();

  return function take(clientKey) {
    const time = now();
    let bucket = buckets.get(clientKey);
    if (bucket) {
      buckets.delete(clientKey); // Re-inserted below: the Map's order is least recently seen first.
      bucket.tokens = Math.min(capacity, bucket.tokens + (time - bucket.updatedAtMillis) * refillPerMilli);
      bucket.updatedAtMillis = time;
    } else {
      if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value as string);
      bucket = { tokens: capacity, updatedAtMillis: time };
    }
    buckets.set(clientKey, bucket);
    // At least 1 ms; the epsilon keeps float error (0.999 tokens as 0.99899…) from adding a millisecond.
    if (bucket.tokens < 1) return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMilli - 1e-6));
    bucket.tokens -= 1;
    return 0;
  };
}
