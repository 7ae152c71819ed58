import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContextKey, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { EdgeContext } from './EdgeContext.js';

const A = createContextKey('a');
const B = createContextKey('b');

describe('EdgeContext', () => {
  it('reads, shadows and deletes values as the API root context does, without changing the parent', () => {
    for (const root of [EdgeContext.ROOT, ROOT_CONTEXT]) {
      const one = root.setValue(A, 1);
      const two = one.setValue(B, 2).setValue(A, 3);
      const gone = two.deleteValue(A);
      assert.deepEqual([one.getValue(A), one.getValue(B)], [1, undefined]);
      assert.deepEqual([two.getValue(A), two.getValue(B)], [3, 2]);
      assert.deepEqual([gone.getValue(A), gone.getValue(B)], [undefined, 2]);
      assert.equal(gone.setValue(A, 4).getValue(A), 4);
      assert.equal(root.getValue(A), undefined);
    }
  });

  it('carries spans and baggage through the API helpers', () => {
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const context = propagation.setBaggage(trace.setSpanContext(EdgeContext.ROOT, spanContext), propagation.createBaggage({ k: { value: 'v' } }));
    assert.ok(context instanceof EdgeContext);
    assert.deepEqual(trace.getSpanContext(context), spanContext);
    assert.equal(propagation.getBaggage(context)?.getEntry('k')?.value, 'v');
    assert.equal(trace.getSpanContext(trace.deleteSpan(context)), undefined);
  });

  it('stays short however often it is derived', () => {
    const keys = Array.from({ length: 5 }, (_, i) => createContextKey(`k${i}`));
    let context = EdgeContext.ROOT;
    for (let i = 0; i < 1000; i += 1) context = context.setValue(keys[i % keys.length]!, i);
    context = context.deleteValue(keys[0]!);
    for (let i = 0; i < 100; i += 1) context = context.setValue(keys[1]!, `x${i}`);
    assert.deepEqual(
      keys.map((key) => context.getValue(key)),
      [undefined, 'x99', 997, 998, 999],
    );
  });
});
