import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interactionLatencies } from './InteractionLatencies.js';
import { layoutShiftWindows } from './LayoutShiftWindows.js';
import { rate } from './rating.js';

const shift = (startTime: number, value: number, hadRecentInput = false) => ({ startTime, value, hadRecentInput });

describe('LayoutShiftWindows (CLS)', () => {
  it('sums shifts less than 1 s apart into one window', () => {
    const cls = layoutShiftWindows();
    for (const entry of [shift(100, 0.1), shift(1099, 0.05), shift(2000, 0.02)]) cls.add(entry);
    assert.equal(cls.value.toFixed(4), '0.1700');
  });

  it('starts a new window after a gap of 1 s, and reports the largest window', () => {
    const cls = layoutShiftWindows();
    for (const entry of [shift(0, 0.1), shift(1000, 0.05), shift(1500, 0.02)]) cls.add(entry);
    assert.equal(cls.value, 0.1);
    cls.add(shift(1900, 0.1));
    assert.equal(cls.value.toFixed(4), '0.1700');
  });

  it('closes a window after 5 s even without a gap', () => {
    const cls = layoutShiftWindows();
    for (let t = 0; t < 5000; t += 500) cls.add(shift(t, 0.01));
    assert.equal(cls.value.toFixed(4), '0.1000');
    cls.add(shift(5000, 0.01)); // 5 s after the window's first shift: a new window.
    assert.equal(cls.value.toFixed(4), '0.1000');
  });

  it('ignores shifts right after input', () => {
    const cls = layoutShiftWindows();
    cls.add(shift(0, 0.3, true));
    assert.equal(cls.value, 0);
  });
});

describe('InteractionLatencies (INP)', () => {
  it('is undefined before any interaction, and the longest event of an interaction is its latency', () => {
    const inp = interactionLatencies();
    assert.equal(inp.estimate(), undefined);
    inp.add(0, 500); // Not an interaction.
    assert.equal(inp.estimate(), undefined);
    inp.add(7, 48);
    inp.add(7, 120); // pointerup, then click of the same interaction.
    inp.add(8, 64);
    assert.equal(inp.estimate(), 120);
    assert.equal(inp.count, 2);
  });

  it('forgives one interaction in every 50 (about the 98th percentile)', () => {
    const inp = interactionLatencies();
    for (let id = 1; id <= 49; id += 1) inp.add(id, id === 1 ? 900 : 40);
    assert.equal(inp.estimate(49), 900);
    inp.add(50, 300);
    assert.equal(inp.estimate(50), 300);
    assert.equal(inp.estimate(100), 40);
  });

  it('keeps only the ten longest', () => {
    const inp = interactionLatencies();
    for (let id = 1; id <= 100; id += 1) inp.add(id, id);
    assert.equal(inp.estimate(1), 100);
    assert.equal(inp.estimate(500), 91);
    assert.equal(inp.estimate(10_000), 91);
  });
});

describe('rate', () => {
  it('uses the published thresholds, a bound counting as the better rating', () => {
    assert.deepEqual(
      [2500, 2501, 4000, 4001].map((value) => rate('LCP', value)),
      ['good', 'needs-improvement', 'needs-improvement', 'poor'],
    );
    assert.deepEqual(
      [200, 201, 500, 501].map((value) => rate('INP', value)),
      ['good', 'needs-improvement', 'needs-improvement', 'poor'],
    );
    assert.deepEqual(
      [0.1, 0.11, 0.25, 0.26].map((value) => rate('CLS', value)),
      ['good', 'needs-improvement', 'needs-improvement', 'poor'],
    );
    assert.deepEqual(
      [800, 801, 1800, 1801].map((value) => rate('TTFB', value)),
      ['good', 'needs-improvement', 'needs-improvement', 'poor'],
    );
  });
});
