import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOrderId, readReceipt, receiptKey, type ReceiptBucket, type ReceiptCache } from './receipts.js';

function memoryReceipts(stored: Record<string, string>) {
  const reads: string[] = [];
  const bucket = {
    get: async (key: string) => {
      reads.push(key);
      return key in stored ? { text: async () => stored[key]! } : null;
    },
  };
  return { bucket: bucket as unknown as ReceiptBucket, reads };
}

function memoryCache() {
  const entries = new Map<string, Response>();
  const cache = {
    match: async (request: Request) => entries.get(request.url)?.clone(),
    put: async (request: Request, response: Response) => void entries.set(request.url, response),
    delete: async () => false,
  };
  return { cache: cache as unknown as ReceiptCache, entries };
}

const URL_OF = 'https://edge.example/api/receipts/ord_1';

describe('readReceipt', () => {
  it('reads R2 on a miss and fills the cache; the next read is the cache', async () => {
    const { bucket, reads } = memoryReceipts({ [receiptKey('ord_1')]: '{"orderId":"ord_1"}' });
    const { cache, entries } = memoryCache();
    assert.equal(await readReceipt(URL_OF, 'ord_1', bucket, cache), '{"orderId":"ord_1"}');
    assert.match(entries.get(URL_OF)!.headers.get('cache-control')!, /max-age=\d+/);
    assert.equal(await readReceipt(URL_OF, 'ord_1', bucket, cache), '{"orderId":"ord_1"}');
    assert.deepEqual(reads, ['receipts/ord_1.json']);
  });

  it('answers undefined, and caches nothing, for an order without a receipt', async () => {
    const { bucket } = memoryReceipts({});
    const { cache, entries } = memoryCache();
    assert.equal(await readReceipt(URL_OF, 'ord_1', bucket, cache), undefined);
    assert.equal(entries.size, 0);
  });
});

describe('isOrderId', () => {
  it("takes the origin's ids and refuses paths, empty and long ones", () => {
    assert.equal(isOrderId('ord_96feff06749c4045'), true);
    for (const bad of ['', '../secrets', 'ord 1', 'ord_1.json', 'x'.repeat(65), 'ord%2F1']) assert.equal(isOrderId(bad), false, bad);
  });
});
