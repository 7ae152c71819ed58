import { isRetryableStatus, parseRetryAfter } from './retryPolicy.js';

/**
 * Why an export failed, in the terms a retry queue needs: whether waiting can help and how long
 * the endpoint asked to wait. Exporters make one attempt and return this; the runtime's
 * scheduler decides when to try again.
 */
export class ExportFailure extends Error {
  override readonly name = 'ExportFailure';

  constructor(
    message: string,
    /** Another attempt may succeed (network error, timeout, 408, 429, 5xx). */
    readonly retryable: boolean,
    /** The endpoint's `Retry-After`, in ms from when it answered (bounded). */
    readonly retryAfterMillis?: number,
    /** The HTTP status, when the endpoint answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The failure an HTTP answer that is not 2xx stands for; `retryAfter` is the raw header. */
export function exportFailureFromResponse(status: number, retryAfter: string | null | undefined, nowMillis = Date.now()): ExportFailure {
  const retryable = isRetryableStatus(status);
  return new ExportFailure(`the endpoint answered ${status}`, retryable, retryable ? parseRetryAfter(retryAfter, nowMillis) : undefined, status);
}

/** A request that got no answer (refused, reset, timed out): always worth another try. */
export function exportFailureFromNetworkError(error: unknown): ExportFailure {
  return new ExportFailure(error instanceof Error ? error.message : String(error), true);
}

/**
 * Whether a failed export is worth another try. An `ExportFailure` says so itself; another
 * exporter's error (the stock OTLP exporters put the HTTP status in `code`) is judged on its
 * status, and without one it may be a passing network problem.
 */
export function isRetryableFailure(error: Error | undefined): boolean {
  if (error instanceof ExportFailure) return error.retryable;
  const code = (error as { code?: unknown } | undefined)?.code;
  return !(typeof code === 'number' && code >= 400 && code <= 599) || isRetryableStatus(code);
}

/** The `Retry-After` an export failure carries, if any. */
export function retryAfterOf(error: Error | undefined): number | undefined {
  return error instanceof ExportFailure ? error.retryAfterMillis : undefined;
}
