import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recommend } from './worker.js';

describe('recommend', () => {
  it('picks what pairs with the cart, leaving out what is in it, as many as the tier sees', () => {
    assert.deepEqual(recommend(['sku-espresso-beans'], 'vip'), ['sku-grinder', 'sku-travel-mug', 'sku-filter-papers']);
    assert.deepEqual(recommend(['sku-espresso-beans'], 'premium'), ['sku-grinder', 'sku-travel-mug']);
    assert.deepEqual(recommend(['sku-espresso-beans', 'sku-grinder'], 'vip'), ['sku-travel-mug', 'sku-filter-papers']);
  });

  it('shows one pick without a tier or with an unknown one, and none for unknown items', () => {
    assert.deepEqual(recommend(['sku-espresso-beans'], undefined), ['sku-grinder']);
    assert.deepEqual(recommend(['sku-espresso-beans'], 'constructor'), ['sku-grinder']);
    assert.deepEqual(recommend(['no-such-sku', 'constructor', '__proto__'], 'vip'), []);
  });
});
