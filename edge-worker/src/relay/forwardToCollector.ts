import type { OtlpTraceRequest } from './otlpTypes.js';

export interface CollectorTarget {
  /** The collector's traces URL. */
  url: string;
  /** Server-side credentials and any other headers the collector needs. */
  headers: Record<string, string>;
  fetch: typeof fetch;
  timeoutMillis: number;
  /** `gzip` compresses the body (OTLP/JSON shrinks ~10x), worth it when the collector is remote. */
  compression: 'gzip' | 'none';
}

export type ForwardResult = { ok: true; status: number; retryAfter?: string } | { ok: false; error: Error };

/** `text` as gzip bytes (CompressionStream). */
export async function gzipText(text: string): Promise<ArrayBuffer> {
  return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
}

/**
 * Sends a validated batch to the collector as OTLP/JSON. The collector's answer (any status)
 * is a result; only a network failure or timeout is `ok: false`.
 */
export async function forwardToCollector(request: OtlpTraceRequest, target: CollectorTarget): Promise<ForwardResult> {
  try {
    const json = JSON.stringify(request);
    const gzipped = target.compression === 'gzip';
    const response = await target.fetch(target.url, {
      method: 'POST',
      headers: { ...target.headers, 'content-type': 'application/json', ...(gzipped ? { 'content-encoding': 'gzip' } : {}) },
      body: gzipped ? await gzipText(json) : json,
      signal: AbortSignal.timeout(target.timeoutMillis),
    });
    await response.body?.cancel();
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return { ok: true, status: response.status, ...(retryAfter ? { retryAfter } : {}) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
