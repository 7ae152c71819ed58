import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { procStat, threadCpuNanos } from './procStat.js';

describe('threadCpuNanos', () => {
  it('counts the CPU a process spends, finer than a clock tick', () => {
    const before = threadCpuNanos(process.pid);
    assert.ok(before !== undefined && before > 0, `schedstat read: ${before}`);
    // 3 ms of work: under one 10 ms clock tick, so only the scheduler's account can see it.
    const until = performance.now() + 3;
    while (performance.now() < until);
    const spent = threadCpuNanos(process.pid)! - before;
    assert.ok(spent >= 2e6 && spent < 1e9, `spent ${spent} ns`);
  });

  it('is undefined for a process that does not exist, as procStat is', () => {
    const missing = 2 ** 22 + 1; // above Linux's largest pid
    assert.equal(threadCpuNanos(missing), undefined);
    assert.equal(procStat(missing), undefined);
  });
});
