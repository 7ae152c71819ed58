import type { OtlpTraceRequest } from './otlpTypes.js';

export interface CollectorTarget {
  /** The collector's traces URL. */
  url: string;
  /** Server-side credentials and any other headers the collector needs. */
  headers: Record<string, string>;
  fetch: typeof fetch;
  timeoutMillis: number;
}

export type ForwardResult = { ok: true; status: number; retryAfter?: string } | { ok: false; error: Error };

/**
 * Sends a validated batch to the collector as OTLP/JSON. The collector's answer (any status)
 * is a result; only a network failure or timeout is `ok: false`.
 */
export async function forwardToCollector(request: OtlpTraceRequest, target: CollectorTarget): Promise<ForwardResult> {
  try {
    const response = await target.fetch(target.url, {
      method: 'POST',
      headers: { ...target.headers, 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(target.timeoutMillis),
    });
    await response.body?.cancel();
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return { ok: true, status: response.status, ...(retryAfter ? { retryAfter } : {}) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
