import { isRetryableStatus, parseRetryAfter } from '@journeytrace/contract';

/** The browser's clock at send time (epoch ms), for a relay's clock-skew correction. */
export const SENT_AT_HEADER = 'journeytrace-sent-at';

/**
 * The batch's id, the same on every try (a batch kept at page hide and sent again by the next
 * page included), so a relay can drop a repeat. Sent to a relay only: a collector would need it
 * in its CORS allow-list.
 */
export const BATCH_ID_HEADER = 'journeytrace-batch-id';

/** Chromium, Firefox and Safari all cap the bodies of in-flight keepalive requests at 64 KiB. */
export const KEEPALIVE_BUDGET_BYTES = 64 * 1024;

export interface OtlpHttpTransportOptions {
  /** Full traces URL, e.g. `https://shop.example/v1/traces`. */
  url: string;
  /**
   * Adds the `journeytrace-sent-at: <epoch ms>` header to each request so a relay can correct the
   * browser's clock. A header, not a query parameter: the URL stays the same, so the browser
   * reuses its cached CORS preflight instead of sending one before every export.
   */
  sendClockReading: boolean;
  /** Adds `journeytrace-batch-id` to each request (a relay drops repeats by it). */
  sendBatchId?: boolean;
  /** `gzip` compresses with CompressionStream where the browser has it. */
  compression: 'gzip' | 'none';
  /** The page's own fetch, taken before it is wrapped: exports are never traced. */
  fetch: typeof fetch;
  now: () => number;
  /** A request still unanswered after this long counts as a network error. Default 10000. */
  timeoutMillis?: number;
}

/**
 * `sent`: accepted, maybe in part: `rejectedSpans` the endpoint left out, and why (OTLP partial
 * success, as the edge relay answers for spans with invalid ids). `rejected`: refused for good
 * (4xx other than 408 and 429), never worth resending. `retry`: 408, 429, 5xx or a network
 * error: worth sending again later, after `retryAfterMillis` when the endpoint said so
 * (`Retry-After`, bounded). The rules are the contract's (`@journeytrace/contract`), the same
 * at the edge and in Node.
 */
export type SendOutcome =
  | { outcome: 'sent'; rejectedSpans?: number; rejectedReason?: string }
  | { outcome: 'rejected'; status: number }
  | { outcome: 'retry'; retryAfterMillis?: number };

/** Posts OTLP/JSON bodies, and knows how much of the keepalive budget its requests use. */
export interface OtlpHttpTransport {
  send(body: Uint8Array, keepalive: boolean, batchId?: string): Promise<SendOutcome>;
  /** Bytes a keepalive request may still use now. */
  keepaliveBytesLeft(): number;
}

/**
 * Posts one OTLP/JSON body, once. Retrying is the caller's job (the span processor keeps the
 * spans queued and backs off), so an outage of any length holds spans, not requests.
 */
export function otlpHttpTransport({
  url,
  sendClockReading,
  sendBatchId,
  compression,
  fetch,
  now,
  timeoutMillis = 10_000,
}: OtlpHttpTransportOptions): OtlpHttpTransport {
  let keepaliveBytesInFlight = 0;

  return {
    keepaliveBytesLeft: () => KEEPALIVE_BUDGET_BYTES - keepaliveBytesInFlight,
    async send(body, keepalive, batchId) {
      // A keepalive request must start now, before the page goes: no awaited compression.
      const compressed = !keepalive && compression === 'gzip' ? await gzip(body) : undefined;
      const sent = compressed || body;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (compressed) headers['content-encoding'] = 'gzip';
      if (sendClockReading) headers[SENT_AT_HEADER] = String(Math.round(now()));
      if (sendBatchId && batchId) headers[BATCH_ID_HEADER] = batchId;
      if (keepalive) keepaliveBytesInFlight += sent.byteLength;
      let response: Response | undefined;
      try {
        // A hung request must not hold its spans (and forceFlush) forever.
        const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeoutMillis) : undefined;
        response = await fetch.call(globalThis, url, { method: 'POST', headers, body: sent as BodyInit, keepalive, credentials: 'omit', signal });
      } catch {
        // A network error: retried.
      } finally {
        if (keepalive) keepaliveBytesInFlight -= sent.byteLength;
      }
      if (response?.ok) return Object.assign({ outcome: 'sent' as const }, await partialSuccessOf(response));
      // Reported by the span processor, which drops the spans.
      if (response && !isRetryableStatus(response.status)) return { outcome: 'rejected', status: response.status };
      return { outcome: 'retry', retryAfterMillis: response ? parseRetryAfter(response.headers.get('retry-after'), Date.now()) : undefined };
    },
  };
}

/** What an OTLP/JSON answer says it left out of an accepted request. */
interface PartialSuccess {
  rejectedSpans?: number;
  rejectedReason?: string;
}

/** What an OTLP/JSON answer says was left out of an accepted request; nothing when it says nothing readable. */
function partialSuccessOf(response: Response): Promise<PartialSuccess> | PartialSuccess {
  if (!/json/.test(response.headers.get('content-type') || '')) return {};
  return response.json().then(
    (answer: { partialSuccess?: { rejectedSpans?: unknown; errorMessage?: unknown } } | null) => {
      const partial = answer?.partialSuccess || {};
      const rejectedSpans = Number(partial.rejectedSpans);
      return rejectedSpans > 0 ? { rejectedSpans, rejectedReason: String(partial.errorMessage || 'no reason given') } : {};
    },
    () => ({}),
  );
}

async function gzip(body: Uint8Array): Promise<Uint8Array | undefined> {
  if (typeof CompressionStream === 'undefined') return undefined;
  try {
    const stream = new Blob([body as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch {
    return undefined; // Send it plain.
  }
}
