/**
 * Why an export failed, in the terms a retry queue needs: whether waiting can help and how long
 * the collector asked to wait. OTLP/HTTP: 429 and 5xx (and network errors) are transient, other
 * 4xx are final; `Retry-After` says when to come back.
 * @see https://opentelemetry.io/docs/specs/otlp/#failures-1
 */
export class ExportFailure extends Error {
  override readonly name = 'ExportFailure';

  constructor(
    message: string,
    /** Another attempt may succeed (network error, timeout, 429, 5xx). */
    readonly retryable: boolean,
    /** The collector's `Retry-After`, in ms from when it answered. */
    readonly retryAfterMillis?: number,
    /** The HTTP status, when the collector answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Whether a failed export is worth another try. An `ExportFailure` says so itself; an error
 * from another exporter is final only when it carries an HTTP 4xx other than 408 and 429 in
 * `code` (as the stock OTLP exporters do): anything else may be a passing network problem.
 */
export function isRetryableFailure(error: Error | undefined): boolean {
  if (error instanceof ExportFailure) return error.retryable;
  const code = (error as { code?: unknown } | undefined)?.code;
  return !(typeof code === 'number' && code >= 400 && code < 500 && code !== 408 && code !== 429);
}

/** The `Retry-After` an export failure carries, if any. */
export function retryAfterOf(error: Error | undefined): number | undefined {
  return error instanceof ExportFailure ? error.retryAfterMillis : undefined;
}
