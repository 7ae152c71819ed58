/**
 * When and how long to wait before sending an export again. Pure, so it is tested without
 * a clock: OTLP/HTTP asks clients to retry throttling (429) and server errors with backoff,
 * honouring `Retry-After`.
 * @see https://opentelemetry.io/docs/specs/otlp/#otlphttp-throttling
 */

/** 429 and 5xx are worth another try; other statuses will not change by waiting. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; `undefined` if absent or bad. */
export function parseRetryAfter(header: string | null, nowMillis: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // HTTP dates start with a day name; without this, Date.parse would read "-1" as a year.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMillis);
}

/** Exponential backoff with jitter: `initial * 2^(attempt-1)`, capped, scaled to 50-100 %. */
export function backoffMillis(attempt: number, initialMillis: number, maxMillis: number, random = Math.random()): number {
  const ceiling = Math.min(maxMillis, initialMillis * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random / 2));
}
