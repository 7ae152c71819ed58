import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Broker } from './broker.js';

describe('Broker', () => {
  it('delivers messages in order with their headers intact', async () => {
    const broker = new Broker();
    broker.publish('orders', { traceparent: '00-aa-bb-01' }, { n: 1 });
    broker.publish('orders', {}, { n: 2 });
    const first = await broker.receive('orders', 0);
    assert.deepEqual([first?.headers, first?.body, first?.attempts], [{ traceparent: '00-aa-bb-01' }, { n: 1 }, 1]);
    assert.deepEqual((await broker.receive('orders', 0))?.body, { n: 2 });
  });

  it('hands a message straight to a waiting receiver, and times out empty otherwise', async () => {
    const broker = new Broker();
    const waiting = broker.receive('orders', 1000);
    broker.publish('orders', {}, 'hello');
    assert.equal((await waiting)?.body, 'hello');
    assert.equal(await broker.receive('orders', 10), undefined);
  });

  it('redelivers a requeued message with its attempt counted', async () => {
    const broker = new Broker();
    broker.publish('orders', {}, 'x');
    const message = (await broker.receive('orders', 0))!;
    broker.requeue('orders', message);
    assert.equal((await broker.receive('orders', 0))?.attempts, 2);
  });

  it('keeps results for a later or a waiting reader', async () => {
    const broker = new Broker();
    const waiting = broker.awaitResult('ord_1', 1000);
    broker.postResult('ord_1', { ok: true });
    assert.deepEqual(await waiting, { ok: true });
    assert.deepEqual(await broker.awaitResult('ord_1', 0), { ok: true });
    assert.equal(await broker.awaitResult('ord_2', 10), undefined);
  });
});
