/**
 * Inflates a gzip body with a limit on the decoded size that bounds the work and the memory,
 * not only the answer: a gzip bomb must cost about what a body at the limit costs.
 *
 * workerd's `DecompressionStream` has no backpressure: each write is inflated whole, at once,
 * into a buffer in front of the readable side (workerd `src/workerd/api/streams/compression.c++`,
 * `writeInternal`: "This does not yet implement any backpressure"). A 900 KiB bomb written in one
 * piece became 900 MiB in memory before a reader could stop it. So the input goes in slices that
 * cannot inflate past the limit even at deflate's largest ratio, and the next slice only once
 * the reader has taken all of the last one's output.
 */

/**
 * deflate's largest expansion: a 258-byte match coded in 2 bits (zlib FAQ, "What is the maximum
 * compression ratio?": 1032:1). gzip adds only a header and a trailer.
 */
export const DEFLATE_MAX_EXPANSION = 1032;

/** Decoded bytes room to start with, grown by doubling: memory follows the body, not the limit. */
const INITIAL_BYTES = 16 * 1024;

/** What {@link inflateAtMost} did, for tests and benchmarks. */
export interface InflateStats {
  /** Wire bytes handed to the decompressor. */
  bytesFed: number;
  /** Decoded bytes read from it. */
  bytesRead: number;
}

/** The decoded bytes, `'too-large'` past `maxBytes`, or `'invalid'` for a corrupt or truncated stream. */
export type InflateResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: 'too-large' | 'invalid' };

/**
 * Inflates gzip `wire`; stops as soon as more than `maxBytes` come out. At most one slice of
 * `maxBytes / 1032` wire bytes is inflated beyond what has been read, so a bomb costs about
 * `2 x maxBytes` of inflating and of memory (what was read, and one slice's output), whatever it
 * would expand to.
 */
export async function inflateAtMost(wire: Uint8Array, maxBytes: number, stats: InflateStats = { bytesFed: 0, bytesRead: 0 }): Promise<InflateResult> {
  const sliceBytes = Math.max(1, Math.floor(maxBytes / DEFLATE_MAX_EXPANSION));
  const inflater = new DecompressionStream('gzip');
  const writer = inflater.writable.getWriter();
  const output = outputReader(inflater.readable, maxBytes);
  let stopped = false;

  const feeding = (async () => {
    for (let offset = 0; offset < wire.byteLength && !stopped; offset += sliceBytes) {
      const slice = wire.subarray(offset, offset + sliceBytes);
      const drainsBefore = output.drains;
      stats.bytesFed += slice.byteLength;
      await writer.write(slice as Uint8Array<ArrayBuffer>);
      await output.drained(drainsBefore);
    }
    if (!stopped) await writer.close();
  })();
  // A failed write also fails the read (and the other way round); stopping early rejects the
  // write that was cut off: what counts is what the reader saw.
  feeding.catch(() => undefined);

  try {
    const result = await output.readAll();
    stats.bytesRead = output.bytesRead;
    if (result === 'too-large') return { ok: false, reason: 'too-large' };
    await feeding;
    return { ok: true, bytes: result };
  } catch {
    stats.bytesRead = output.bytesRead;
    return { ok: false, reason: 'invalid' };
  } finally {
    stopped = true;
    output.wake();
    // Not awaited: an abort waits for the write in flight, which a failed decompressor may never settle.
    writer.abort().catch(() => undefined);
    output.cancel().catch(() => undefined);
  }
}

interface OutputReader {
  /** Reads to the end: the bytes, or `'too-large'` past the limit. */
  readAll(): Promise<Uint8Array | 'too-large'>;
  /** Resolves once all output so far has been read, counted from the `drains` seen before a write. */
  drained(drainsBefore: number): Promise<void>;
  /** How often the reader found the output empty. */
  readonly drains: number;
  readonly bytesRead: number;
  /** Releases a waiting `drained`. */
  wake(): void;
  cancel(): Promise<void>;
}

/**
 * Reads the decompressor's output into one growing buffer. With a BYOB reader (workerd's
 * native streams) a read takes everything buffered that fits, so a read that comes back short
 * means the output is drained. A read still waiting one macrotask after the write means the
 * slice produced nothing yet (a header, an empty block). A default reader (Node's
 * TransformStream-based decompressor) counts each read as drained: that one has backpressure, and
 * holds back a write until the reader has taken the last one's output.
 */
function outputReader(readable: ReadableStream<Uint8Array>, maxBytes: number): OutputReader {
  const byob = byobReaderOf(readable);
  const reader = byob ?? readable.getReader();
  let buffer = new Uint8Array(Math.min(maxBytes + 1, INITIAL_BYTES));
  let length = 0;
  let drains = 0;
  let reads = 0;
  let waiting: (() => void) | undefined;

  const drainedNow = () => {
    drains += 1;
    waiting?.();
  };
  const grow = () => {
    const larger = new Uint8Array(Math.min(maxBytes + 1, buffer.byteLength * 2));
    larger.set(buffer.subarray(0, length));
    buffer = larger;
  };

  return {
    get drains() {
      return drains;
    },
    get bytesRead() {
      return length;
    },
    wake: () => waiting?.(),
    async readAll() {
      for (;;) {
        if (length === buffer.byteLength) {
          if (length > maxBytes) return 'too-large';
          grow();
        }
        if (byob) {
          const room = buffer.byteLength - length;
          const { done, value } = await byob.read(buffer.subarray(length));
          // The read transferred the buffer: keep using the one it came back in.
          if (value) buffer = new Uint8Array(value.buffer);
          reads += 1;
          if (done) break;
          length += value.byteLength;
          if (value.byteLength < room) drainedNow();
        } else {
          const { done, value } = await (reader as ReadableStreamDefaultReader<Uint8Array>).read();
          reads += 1;
          if (done) break;
          if (length + value.byteLength > maxBytes) {
            length += value.byteLength;
            return 'too-large';
          }
          while (length + value.byteLength > buffer.byteLength) grow();
          buffer.set(value, length);
          length += value.byteLength;
          drainedNow();
        }
      }
      if (length > maxBytes) return 'too-large';
      return buffer.subarray(0, length);
    },
    drained(drainsBefore) {
      if (drains > drainsBefore) return Promise.resolve();
      // Not drained yet, or the slice gave nothing to read: done once a whole macrotask passes
      // with no read coming back (the reader is waiting for input).
      return new Promise<void>((resolve) => {
        let readsSeen = reads;
        let timer = setTimeout(check, 0);
        function check() {
          if (reads === readsSeen) return finish();
          readsSeen = reads;
          timer = setTimeout(check, 0);
        }
        function finish() {
          clearTimeout(timer);
          waiting = undefined;
          resolve();
        }
        waiting = finish;
      });
    },
    cancel: () => reader.cancel(),
  };
}

/** A BYOB reader when the stream is a byte stream (workerd's native ones), else `undefined`. */
function byobReaderOf(readable: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return readable.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
}
