import { diag } from '@opentelemetry/api';

/** Chromium, Firefox and Safari all cap the bodies of in-flight keepalive requests at 64 KiB. */
export const KEEPALIVE_BUDGET_BYTES = 64 * 1024;

export interface OtlpHttpTransportOptions {
  /** Full traces URL, e.g. `https://shop.example/v1/traces`. */
  url: string;
  /** Adds `sent_at=<epoch ms>` to each request so a relay can correct the browser's clock. */
  sendClockReading: boolean;
  /** `gzip` compresses with CompressionStream where the browser has it. */
  compression: 'gzip' | 'none';
  /** The page's own fetch, taken before instrumentation wraps it: exports are never traced. */
  fetch: typeof fetch;
  now: () => number;
  /** Tries per request, the first included. */
  maxAttempts: number;
  initialBackoffMillis: number;
  maxBackoffMillis: number;
  /** A request still unanswered after this long counts as a network error. Default 10000. */
  timeoutMillis?: number;
  sleep?: (millis: number) => Promise<void>;
}

/** `sent`: accepted; `rejected`: refused for good (4xx); `failed`: still failing after every retry. */
export type SendOutcome = 'sent' | 'rejected' | 'failed';

/**
 * Posts OTLP/JSON bodies with retries: 429, 5xx and network errors are retried with
 * exponential backoff and jitter (honouring `Retry-After`), other statuses are final.
 */
export class OtlpHttpTransport {
  private _keepaliveBytesInFlight = 0;

  constructor(private readonly _options: OtlpHttpTransportOptions) {}

  /** Bytes a keepalive request may still use now. */
  keepaliveBytesLeft(): number {
    return KEEPALIVE_BUDGET_BYTES - this._keepaliveBytesInFlight;
  }

  async send(body: Uint8Array, keepalive: boolean): Promise<SendOutcome> {
    const { maxAttempts, initialBackoffMillis, maxBackoffMillis } = this._options;
    // A keepalive request must start now, before the page goes: no awaited compression.
    const compressed = !keepalive && this._options.compression === 'gzip' ? await gzip(body) : undefined;
    for (let attempt = 1; ; attempt += 1) {
      const response = await this._post(compressed ?? body, compressed !== undefined, keepalive);
      if (response && response.ok) return 'sent';
      const retryable = !response || response.status === 429 || response.status >= 500;
      if (!retryable) {
        diag.warn(`journeytrace: the trace endpoint refused an export (HTTP ${response.status})`);
        return 'rejected';
      }
      if (attempt >= maxAttempts) return 'failed';
      const backoff = Math.min(maxBackoffMillis, initialBackoffMillis * 2 ** (attempt - 1));
      const delay = retryAfterMillis(response?.headers.get('retry-after')) ?? backoff * (0.5 + Math.random() / 2);
      await (this._options.sleep ?? sleep)(Math.min(delay, maxBackoffMillis));
    }
  }

  private async _post(body: Uint8Array, gzipped: boolean, keepalive: boolean): Promise<Response | undefined> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (gzipped) headers['content-encoding'] = 'gzip';
    const url = this._options.sendClockReading ? withSentAt(this._options.url, this._options.now()) : this._options.url;
    if (keepalive) this._keepaliveBytesInFlight += body.byteLength;
    try {
      // A hung request must not hold its spans (and forceFlush) forever.
      const signal = typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(this._options.timeoutMillis ?? 10_000) : undefined;
      return await this._options.fetch.call(globalThis, url, { method: 'POST', headers, body: body as BodyInit, keepalive, credentials: 'omit', signal });
    } catch {
      return undefined; // Network error: retried.
    } finally {
      if (keepalive) this._keepaliveBytesInFlight -= body.byteLength;
    }
  }
}

export function withSentAt(url: string, epochMillis: number): string {
  return `${url}${url.includes('?') ? '&' : '?'}sent_at=${Math.round(epochMillis)}`;
}

/** `Retry-After` as seconds or an HTTP date, in ms; `undefined` when absent or unreadable. */
export function retryAfterMillis(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
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

const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis));
