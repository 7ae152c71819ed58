import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { constants, createGunzip, gzipSync } from 'node:zlib';
import { DEFLATE_MAX_EXPANSION, inflateAtMost, type InflateStats } from './inflateAtMost.js';
import { readLimitedBody } from './readLimitedBody.js';

const stream = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
const text = (length: number) =>
  new TextEncoder().encode(
    Array.from({ length: Math.ceil(length / 8) }, (_, i) => `${i % 1000}`.padStart(8, '.'))
      .join('')
      .slice(0, length),
  );
/** `bytes` gzipped with a file name of `nameBytes` in its header: wire bytes that inflate to nothing. */
function gzipWithName(bytes: Uint8Array, nameBytes: number): Uint8Array {
  const plain = gzipSync(bytes);
  const named = new Uint8Array(plain.length + nameBytes + 1);
  named.set(plain.subarray(0, 10));
  named[3] = named[3]! | 0x08; // FNAME
  named.fill(0x61, 10, 10 + nameBytes);
  named.set(plain.subarray(10), 11 + nameBytes);
  return named;
}

describe('inflateAtMost (the runtime decompressor)', () => {
  it('returns valid gzip bodies whole, up to exactly the limit', async () => {
    for (const body of [new Uint8Array(), text(100), text(300_000), crypto.getRandomValues(new Uint8Array(60_000))]) {
      const result = await inflateAtMost(gzipSync(body), Math.max(1, body.byteLength));
      assert.ok(result.ok, `${body.byteLength} bytes`);
      assert.deepEqual(result.bytes, body);
    }
  });

  it('one byte over the limit is too large', async () => {
    assert.deepEqual(await inflateAtMost(gzipSync(text(300_000)), 299_999), { ok: false, reason: 'too-large' });
  });

  it('corrupt and truncated streams are invalid', async () => {
    const good = gzipSync(text(50_000));
    const corrupt = good.slice();
    corrupt[corrupt.length - 6] = corrupt[corrupt.length - 6]! ^ 0xff;
    for (const bad of [corrupt, good.subarray(0, good.length - 8), good.subarray(0, 20), new TextEncoder().encode('not gzip at all')]) {
      assert.deepEqual(await inflateAtMost(bad, 1024 * 1024), { ok: false, reason: 'invalid' });
    }
  });
});

/**
 * A `DecompressionStream` that behaves as workerd's does: every write is inflated whole into a
 * buffer in front of a byte stream, with no backpressure, and cancelling stops nothing already
 * written (workerd `src/workerd/api/streams/compression.c++`, `writeInternal`). Counts what it
 * inflates; `settled()` waits for the writes still being inflated.
 */
class EagerDecompressionStream {
  static bytesInflated = 0;
  static inflating: Array<Promise<void>> = [];
  static settled = () => Promise.allSettled(EagerDecompressionStream.inflating);
  readonly writable: WritableStream<Uint8Array>;
  readonly readable: ReadableStream<Uint8Array>;

  constructor(format: string) {
    assert.equal(format, 'gzip');
    const gunzip = createGunzip();
    let output!: ReadableByteStreamController;
    let open = true;
    let failed: Error | undefined;
    gunzip.on('data', (chunk: Buffer) => {
      EagerDecompressionStream.bytesInflated += chunk.byteLength;
      if (open) output.enqueue(new Uint8Array(chunk));
    });
    gunzip.on('error', (error) => {
      failed = error;
      if (open) output.error(error);
      open = false;
    });
    gunzip.on('end', () => {
      if (!open) return;
      output.close();
      output.byobRequest?.respond(0); // a read waiting when a byte stream closes is answered so
    });
    const settled = (resolve: () => void, reject: (error: Error) => void) => () => (failed ? reject(failed) : resolve());
    const inflate = (chunk: Uint8Array) =>
      new Promise<void>((resolve, reject) =>
        gunzip.write(chunk, (error) => (error ? reject(error) : gunzip.flush(constants.Z_SYNC_FLUSH, settled(resolve, reject)))),
      );
    this.readable = new ReadableStream({
      type: 'bytes',
      start: (controller) => {
        output = controller;
      },
      cancel: () => {
        open = false;
      },
    });
    this.writable = new WritableStream<Uint8Array>({
      // Resolves once the chunk is inflated: all of its output is queued by then.
      write: (chunk) => {
        const inflated = inflate(chunk);
        EagerDecompressionStream.inflating.push(inflated);
        return inflated;
      },
      close: () => new Promise((resolve, reject) => gunzip.end(settled(resolve, reject))),
      abort: () => {
        open = false;
      },
    });
  }
}

describe('inflateAtMost with a decompressor that has no backpressure (workerd)', () => {
  const runtimeDecompressionStream = globalThis.DecompressionStream;
  beforeEach(() => {
    EagerDecompressionStream.bytesInflated = 0;
    EagerDecompressionStream.inflating = [];
    globalThis.DecompressionStream = EagerDecompressionStream as unknown as typeof DecompressionStream;
  });
  afterEach(() => {
    globalThis.DecompressionStream = runtimeDecompressionStream;
  });

  it('a gzip bomb costs about the limit: 32 MiB of zeros is refused after inflating at most two slices', async () => {
    const maxBytes = 64 * 1024;
    const bomb = gzipSync(new Uint8Array(32 * 1024 * 1024), { level: 9 });
    const result = await readLimitedBody(stream(bomb), true, maxBytes);
    assert.deepEqual(result, { ok: false, status: 413, reason: `decoded body exceeds ${maxBytes} bytes` });
    await EagerDecompressionStream.settled();
    // One slice inflates to at most maxBytes; the read stops within the second.
    const sliceBytes = Math.floor(maxBytes / DEFLATE_MAX_EXPANSION);
    assert.ok(
      EagerDecompressionStream.bytesInflated <= 2 * sliceBytes * DEFLATE_MAX_EXPANSION,
      `inflated ${EagerDecompressionStream.bytesInflated} bytes of a ${bomb.byteLength}-byte bomb for a ${maxBytes}-byte limit`,
    );
  });

  it('feeds the next slice only once the last one is read: the bytes fed stay within two slices of what was read', async () => {
    const maxBytes = 1024 * 1024;
    const stats: InflateStats = { bytesFed: 0, bytesRead: 0 };
    const result = await inflateAtMost(gzipSync(new Uint8Array(100 * 1024 * 1024), { level: 9 }), maxBytes, stats);
    assert.deepEqual(result, { ok: false, reason: 'too-large' });
    assert.equal(stats.bytesRead, maxBytes + 1);
    await EagerDecompressionStream.settled();
    assert.ok(stats.bytesFed <= 2 * Math.floor(maxBytes / DEFLATE_MAX_EXPANSION), `fed ${stats.bytesFed} wire bytes`);
    assert.ok(EagerDecompressionStream.bytesInflated <= 2 * maxBytes, `inflated ${EagerDecompressionStream.bytesInflated} bytes`);
  });

  it('valid bodies come out whole, also when slices inflate to nothing (a long header field)', async () => {
    for (const [body, maxBytes] of [
      [text(300_000), 300_000],
      [crypto.getRandomValues(new Uint8Array(40_000)), 40_000],
      [new Uint8Array(), 1],
    ] as const) {
      const wire = gzipWithName(body, 3_000);
      const result = await inflateAtMost(wire, maxBytes);
      assert.ok(result.ok, `${body.byteLength} bytes`);
      assert.deepEqual(result.bytes, body);
    }
    assert.deepEqual(await inflateAtMost(gzipWithName(text(5_000), 3_000), 4_999), { ok: false, reason: 'too-large' });
  });

  it('corrupt and truncated streams are invalid', async () => {
    const good = gzipSync(text(50_000));
    const corrupt = good.slice();
    corrupt[corrupt.length - 6] = corrupt[corrupt.length - 6]! ^ 0xff;
    for (const bad of [corrupt, good.subarray(0, 20), new TextEncoder().encode('not gzip at all')]) {
      assert.deepEqual(await inflateAtMost(bad, 1024 * 1024), { ok: false, reason: 'invalid' });
    }
  });
});
