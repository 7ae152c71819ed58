/**
 * Reads a request body with a byte limit counted while it streams (a `Content-Length` may be
 * absent or false), and for gzip bodies also limits the decoded size: a small gzip bomb must
 * not become a large allocation, nor long work (see `inflateAtMost`). Follows hono's
 * `body-limit`, which counts streamed bytes.
 */
import { inflateAtMost } from './inflateAtMost.js';

export type BodyResult = { ok: true; bytes: Uint8Array } | { ok: false; status: 413; reason: string } | { ok: false; status: 400; reason: string };

/**
 * An oversized body is still read (and thrown away) up to this many times the limit before
 * the 413 goes out: an HTTP/1.1 client still sending when the answer comes may only see a
 * reset (wrangler dev's proxy answers 503), and a browser SDK retries resets, not a 413.
 */
export const DRAIN_FACTOR = 4;

/** Reads at most `maxBytes` from a stream; `undefined` when it holds more. */
async function readAtMost(stream: ReadableStream<Uint8Array>, maxBytes: number, drainBytes = 0): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await drain(reader, drainBytes);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** Discards up to `bytes` more of the stream, then cancels whatever is left. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, bytes: number): Promise<void> {
  try {
    for (let drained = 0; drained <= bytes; ) {
      const { done, value } = await reader.read();
      if (done) return;
      drained += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing left to answer.
  }
}

/**
 * The whole body, or 413 when the wire bytes (or, for gzip, the decoded bytes) exceed
 * `maxBytes`, or 400 when the gzip stream is corrupt or truncated.
 */
export async function readLimitedBody(body: ReadableStream<Uint8Array> | null, gzip: boolean, maxBytes: number): Promise<BodyResult> {
  if (!body) return { ok: true, bytes: new Uint8Array() };
  const tooLarge = { ok: false, status: 413, reason: `body exceeds ${maxBytes} bytes` } as const;
  const wire = await readAtMost(body, maxBytes, maxBytes * DRAIN_FACTOR);
  if (!wire) return tooLarge;
  if (!gzip) return { ok: true, bytes: wire };
  const decoded = await inflateAtMost(wire, maxBytes);
  if (decoded.ok) return decoded;
  if (decoded.reason === 'too-large') return { ...tooLarge, reason: `decoded body exceeds ${maxBytes} bytes` };
  return { ok: false, status: 400, reason: 'body is not valid gzip' };
}
