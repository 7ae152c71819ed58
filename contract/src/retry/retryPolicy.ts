/**
 * @module
 * When an OTLP export is worth sending again, and how long to wait first: one policy for the
 * browser, the edge and Node. Pure, so it is tested without a clock. OTLP/HTTP asks clients to
 * retry throttling and server errors with exponential backoff, honouring `Retry-After`.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp-throttling
 * @see https://opentelemetry.io/docs/specs/otlp/#failures-1
 */

/**
 * 408 (request timeout), 429 (too many requests) and 5xx pass with time; any other status will
 * not change by waiting (a 400 or 413 is refused for good). Network errors are retried too:
 * callers that have no status treat them as retryable.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** How one runtime's scheduler paces retries. */
export interface RetryPolicy {
  /** Wait after the first failed export, in ms; doubles per failure in a row. */
  readonly initialBackoffMillis: number;
  /** Longest wait between two tries, in ms: an endpoint back after an outage gets spans within about this long. */
  readonly maxBackoffMillis: number;
  /** Longest `Retry-After` honoured, in ms: a longer one is shortened to this. */
  readonly maxRetryAfterMillis: number;
}

/** 0.5 s, 1 s, 2 s, 4 s, then every 5 s (each 50-100 % of that, jittered), with no give-up; `Retry-After` up to a minute. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ initialBackoffMillis: 500, maxBackoffMillis: 5000, maxRetryAfterMillis: 60_000 });

/** Header values longer than this are not read (an HTTP date is 29 characters). */
const RETRY_AFTER_MAX_LENGTH = 64;

/**
 * `Retry-After` as milliseconds from `nowMillis`: delta-seconds (fractions accepted, as some
 * servers send them) or an HTTP date, at most `maxMillis`; `undefined` when absent or unreadable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-retry-after
 */
export function parseRetryAfter(
  header: string | null | undefined,
  nowMillis: number,
  maxMillis = DEFAULT_RETRY_POLICY.maxRetryAfterMillis,
): number | undefined {
  const value = header?.trim();
  if (!value || value.length > RETRY_AFTER_MAX_LENGTH) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.min(Math.round(Number(value) * 1000), maxMillis);
  // HTTP dates start with a day name; without this, Date.parse would read "-1" as a year.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - nowMillis), maxMillis);
}

/**
 * Exponential backoff after `failures` failed tries in a row: `initial * 2^(failures-1)`, capped
 * at `maxBackoffMillis`, scaled to 50-100 % so a fleet coming back does not retry in step.
 */
export function backoffMillis(failures: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMillis, policy.initialBackoffMillis * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** The wait before the next try: the endpoint's `Retry-After` when it gave one (bounded), else the backoff. */
export function retryDelayMillis(
  failures: number,
  retryAfterMillis: number | undefined,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): number {
  if (retryAfterMillis !== undefined) return Math.min(Math.max(0, retryAfterMillis), policy.maxRetryAfterMillis);
  return backoffMillis(failures, policy, random);
}
