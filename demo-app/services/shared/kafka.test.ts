import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { oncePerWindow } from './kafka.js';

describe('oncePerWindow', () => {
  it('lets a line through once per window and counts the repeats it held back', () => {
    let time = 0;
    const gate = oncePerWindow(1000, () => time);
    assert.deepEqual(gate('refused'), { emit: true, suppressed: 0 });
    time = 400;
    assert.deepEqual(gate('refused'), { emit: false, suppressed: 1 });
    assert.deepEqual(gate('refused'), { emit: false, suppressed: 2 });
    assert.deepEqual(gate('another line'), { emit: true, suppressed: 0 });
    time = 1000;
    assert.deepEqual(gate('refused'), { emit: true, suppressed: 2 });
    assert.deepEqual(gate('refused'), { emit: false, suppressed: 1 });
  });

  it('remembers a bounded number of lines', () => {
    const gate = oncePerWindow(1000, () => 0);
    for (let index = 0; index < 1000; index += 1) gate(`line ${index}`);
    // The oldest were forgotten: they pass again.
    assert.equal(gate('line 0').emit, true);
    assert.equal(gate('line 999').emit, false);
  });
});
