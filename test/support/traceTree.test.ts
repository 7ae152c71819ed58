import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeptSpan } from './collectorOutput.js';
import { layoutTrace, renderTrace } from './traceTree.js';

function span(spanId: string, parentSpanId: string, startMillis: number, endMillis: number, extra: Partial<KeptSpan> = {}): KeptSpan {
  return {
    traceId: 't',
    spanId,
    parentSpanId,
    name: `op-${spanId}`,
    kind: 1,
    startMillis,
    endMillis,
    statusCode: 0,
    service: 'svc',
    resource: {},
    attributes: {},
    events: [],
    links: [],
    ...extra,
  };
}

describe('layoutTrace', () => {
  it('puts parents before children and children in start order', () => {
    const { rows, totalMillis } = layoutTrace([span('c2', 'root', 50, 60), span('root', '', 0, 100), span('c1', 'root', 10, 20), span('g', 'c1', 12, 15)]);
    assert.deepEqual(rows.map((row) => [row.span.spanId, row.depth]), [['root', 0], ['c1', 1], ['g', 2], ['c2', 1]]);
    assert.equal(totalMillis, 100);
    assert.equal(rows[1]!.offsetMillis, 10);
  });

  it('shows a span whose parent never arrived as an orphan root', () => {
    const { rows } = layoutTrace([span('root', '', 0, 10), span('lost', 'missing', 5, 6)]);
    assert.deepEqual(rows.map((row) => [row.span.spanId, row.depth, row.orphan]), [['root', 0, false], ['lost', 0, true]]);
  });
});

describe('renderTrace', () => {
  it('draws one indented line a span with kind, duration, bar and errors', () => {
    const text = renderTrace([span('root', '', 0, 100, { service: 'web', name: 'checkout' }), span('c', 'root', 50, 100, { service: 'api', kind: 2, statusCode: 2 })], { barWidth: 10 });
    const [first, second] = text.split('\n');
    assert.match(first!, /^web {2}checkout +INTERNAL +100 ms {2}\|■{10}\|$/);
    assert.match(second!, /^ {2}api {2}op-c +SERVER +50 ms {2}\| {5}■{5}\| {2}ERROR$/);
  });

  it('says so when there is nothing to draw', () => {
    assert.equal(renderTrace([]), '(no spans)');
  });
});
