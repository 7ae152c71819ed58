import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedDeadlines } from './sharedDeadlines.js';

const wait = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

describe('sharedDeadlines', () => {
  it('calls each entry once its delay has passed, in order, and not before', async () => {
    const calls: number[] = [];
    const deadlines = sharedDeadlines(40);
    deadlines.add(() => calls.push(1));
    await wait(15);
    deadlines.add(() => calls.push(2));
    await wait(30);
    assert.deepEqual(calls, [1]);
    await wait(30);
    assert.deepEqual(calls, [1, 2]);
  });

  it('keeps calling the rest when one throws', async () => {
    const calls: number[] = [];
    const deadlines = sharedDeadlines(5);
    deadlines.add(() => {
      throw new Error('boom');
    });
    deadlines.add(() => calls.push(2));
    await wait(30);
    assert.deepEqual(calls, [2]);
  });

  it('flushes everything now, and clears without calling', async () => {
    const calls: number[] = [];
    const deadlines = sharedDeadlines(10_000);
    deadlines.add(() => calls.push(1));
    deadlines.add(() => calls.push(2));
    deadlines.flush();
    assert.deepEqual(calls, [1, 2]);
    deadlines.add(() => calls.push(3));
    deadlines.clear();
    await wait(5);
    assert.deepEqual(calls, [1, 2]);
  });

  it('serves many entries with one timer (a fake clock shows the order stays by deadline)', () => {
    let time = 0;
    const timers: Array<() => void> = [];
    const realSetTimeout = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void) => {
      timers.push(fn);
      return 0;
    }) as unknown as typeof setTimeout;
    try {
      const calls: number[] = [];
      const deadlines = sharedDeadlines(100, () => time);
      for (let i = 0; i < 1000; i += 1) deadlines.add(() => calls.push(i));
      assert.equal(timers.length, 1);
      time = 100;
      timers.shift()!();
      assert.equal(calls.length, 1000);
      assert.equal(timers.length, 0, 'no timer left armed once the queue is empty');
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
  });
});
