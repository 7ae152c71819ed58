import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_OUTCOMES, OrderOutcomes } from './outcomes.js';

describe('OrderOutcomes', () => {
  it('hands an outcome to a waiting reader, and keeps it for a later one', async () => {
    const outcomes = new OrderOutcomes();
    const waiting = outcomes.wait('ord_1', 1000);
    outcomes.post('ord_1', { ok: true });
    assert.deepEqual(await waiting, { ok: true });
    assert.deepEqual(await outcomes.wait('ord_1', 0), { ok: true });
  });

  it('answers undefined when no outcome comes in time, and forgets the reader', async () => {
    const outcomes = new OrderOutcomes();
    assert.equal(await outcomes.wait('ord_2', 10), undefined);
    assert.equal((outcomes as unknown as { _waiters: Map<string, unknown> })._waiters.size, 0);
  });

  it('keeps at most MAX_OUTCOMES, forgetting the oldest', async () => {
    const outcomes = new OrderOutcomes();
    for (let index = 0; index <= MAX_OUTCOMES; index += 1) outcomes.post(`ord_${index}`, index);
    assert.equal(await outcomes.wait('ord_0', 0), undefined);
    assert.equal(await outcomes.wait(`ord_${MAX_OUTCOMES}`, 0), MAX_OUTCOMES);
  });
});
