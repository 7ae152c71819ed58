/**
 * @module
 * The cases every runtime's exporter is run against (browser transport, edge exporter, Node
 * exporter): one table, so the three cannot drift apart again. A case with no `status` is a
 * network error (nothing listens).
 */

export interface RetryCase {
  readonly name: string;
  /** The endpoint's answer; absent: the connection is refused. */
  readonly status?: number;
  /** The `Retry-After` header, given the time the answer is made. */
  readonly retryAfter?: (nowMillis: number) => string;
  /** Whether the spans are kept for another try (`false`: dropped and reported). */
  readonly retry: boolean;
  /** The wait the endpoint asked for, in ms, within [min, max]; absent: none (the scheduler's backoff). */
  readonly retryAfterMillis?: readonly [min: number, max: number];
}

const seconds = (value: string) => () => value;

export const RETRY_CASES: readonly RetryCase[] = [
  { name: '408 request timeout', status: 408, retry: true },
  { name: '429 too many requests', status: 429, retry: true },
  { name: '500 internal error', status: 500, retry: true },
  { name: '502 bad gateway', status: 502, retry: true },
  { name: '503 unavailable', status: 503, retry: true },
  { name: '504 gateway timeout', status: 504, retry: true },
  { name: 'network error', retry: true },
  { name: 'Retry-After in seconds', status: 429, retryAfter: seconds('2'), retry: true, retryAfterMillis: [2000, 2000] },
  { name: 'Retry-After with a fraction', status: 503, retryAfter: seconds('1.5'), retry: true, retryAfterMillis: [1500, 1500] },
  { name: 'Retry-After as an HTTP date', status: 503, retryAfter: (now) => new Date(now + 3000).toUTCString(), retry: true, retryAfterMillis: [1000, 3000] },
  { name: 'Retry-After too long is bounded', status: 429, retryAfter: seconds('86400'), retry: true, retryAfterMillis: [60_000, 60_000] },
  { name: 'Retry-After garbage is ignored', status: 503, retryAfter: seconds('soon'), retry: true },
  { name: 'Retry-After negative is ignored', status: 429, retryAfter: seconds('-1'), retry: true },
  { name: '400 bad request is final', status: 400, retry: false },
  { name: '401 unauthorized is final', status: 401, retry: false },
  { name: '403 forbidden is final', status: 403, retry: false },
  { name: '404 not found is final', status: 404, retry: false },
  { name: '413 too large is final', status: 413, retry: false },
  { name: '415 unsupported type is final', status: 415, retry: false },
];

/**
 * A `fetch` that answers every request as `retryCase` says (a network error: it rejects with a
 * TypeError, as fetch does), for running an exporter against the table without a server.
 */
export function fetchAnswering(retryCase: RetryCase, nowMillis: () => number = Date.now): typeof fetch {
  return async () => {
    if (retryCase.status === undefined) throw new TypeError('fetch failed: connect ECONNREFUSED');
    const headers: Record<string, string> = retryCase.retryAfter ? { 'retry-after': retryCase.retryAfter(nowMillis()) } : {};
    return new Response(null, { status: retryCase.status, headers });
  };
}

/** Whether `retryAfterMillis` is what `retryCase` expects. */
export function matchesRetryAfter(retryCase: RetryCase, retryAfterMillis: number | undefined): boolean {
  if (!retryCase.retryAfterMillis) return retryAfterMillis === undefined;
  return retryAfterMillis !== undefined && retryAfterMillis >= retryCase.retryAfterMillis[0] && retryAfterMillis <= retryCase.retryAfterMillis[1];
}
