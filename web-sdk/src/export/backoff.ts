export interface RetryOptions {
  /** Wait after the first failed export, in ms. */
  initialBackoffMillis: number;
  /** Longest wait between two tries, in ms: an endpoint back after an outage gets spans within about this long. */
  maxBackoffMillis: number;
  /** Longest `Retry-After` honoured, in ms: a longer one is shortened to this. */
  maxRetryAfterMillis: number;
}

/** 1 s, 2 s, 4 s, then every 5 s: a 30 s outage is retried about eight times, with no give-up. */
export const DEFAULT_RETRY: RetryOptions = { initialBackoffMillis: 1000, maxBackoffMillis: 5000, maxRetryAfterMillis: 60_000 };

/**
 * Wait before the next try after `failures` failed ones in a row: the endpoint's `Retry-After`
 * when it gave one, else exponential backoff capped at `maxBackoffMillis`, with jitter (50-100%)
 * so a fleet of pages coming back does not retry in step.
 */
export function backoffMillis(failures: number, retryAfterMillis: number | undefined, options: RetryOptions, random: () => number = Math.random): number {
  if (retryAfterMillis !== undefined) return Math.min(Math.max(0, retryAfterMillis), options.maxRetryAfterMillis);
  const exponential = Math.min(options.maxBackoffMillis, options.initialBackoffMillis * 2 ** (failures - 1));
  return exponential * (0.5 + random() / 2);
}
