import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_PRICE_LIST, PRICE_LIST_KEY, readPriceList, totalCents, type PriceListKV } from './priceList.js';

/** A KV namespace in memory holding JSON text, as the runtime's `get(key, 'json')` reads it. */
function memoryPrices(stored?: string) {
  const store = new Map<string, string>(stored === undefined ? [] : [[PRICE_LIST_KEY, stored]]);
  const kv = {
    store,
    async get(key: string) {
      const text = store.get(key);
      return text === undefined ? null : (JSON.parse(text) as unknown);
    },
    async put(key: string, value: string) {
      store.set(key, value);
    },
  };
  return kv as typeof kv & PriceListKV;
}

describe('readPriceList', () => {
  it('reads the stored price list', async () => {
    const prices = memoryPrices('{"sku-a":100}');
    assert.deepEqual(await readPriceList(prices), { 'sku-a': 100 });
  });

  it('answers the defaults on an empty namespace and writes nothing (every checkout makes the same spans)', async () => {
    const prices = memoryPrices();
    assert.deepEqual(await readPriceList(prices), DEFAULT_PRICE_LIST);
    assert.equal(prices.store.size, 0);
  });

  it('answers the defaults when KV fails', async () => {
    const failing = { ...memoryPrices(), get: async () => Promise.reject(new Error('KV is down')) };
    assert.deepEqual(await readPriceList(failing as unknown as PriceListKV), DEFAULT_PRICE_LIST);
  });

  it('replaces a malformed list (negative, fractional or non-numeric prices, an array) with the defaults', async () => {
    for (const bad of ['{"sku-a":-1}', '{"sku-a":1.5}', '{"sku-a":"100"}', '[1,2]', 'null']) {
      assert.deepEqual(await readPriceList(memoryPrices(bad)), DEFAULT_PRICE_LIST, bad);
    }
  });
});

describe('totalCents', () => {
  it('sums priced lines by quantity; unpriced items count nothing', () => {
    assert.equal(
      totalCents(
        [
          { sku: 'a', quantity: 2 },
          { sku: 'b', quantity: 1 },
          { sku: 'unknown', quantity: 5 },
        ],
        { a: 150, b: 1000 },
      ),
      1300,
    );
    assert.equal(totalCents([], { a: 150 }), 0);
    assert.equal(
      totalCents(
        [
          { sku: 'constructor', quantity: 1 },
          { sku: 'a', quantity: 1 },
        ],
        { a: 150 },
      ),
      150,
    );
  });
});
