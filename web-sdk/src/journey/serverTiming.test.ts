import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverSpanContext } from './serverTiming.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('serverSpanContext', () => {
  it('reads the traceparent entry of Server-Timing', () => {
    const context = serverSpanContext(
      [
        { name: 'edge', description: '' },
        { name: 'traceparent', description: TRACEPARENT },
      ],
      null,
    );
    assert.deepEqual(context, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
  });

  it('falls back to the meta tag, and ignores malformed values', () => {
    assert.equal(serverSpanContext([{ name: 'traceparent', description: 'garbage' }], TRACEPARENT)?.spanId, 'b7ad6b7169203331');
    assert.equal(serverSpanContext([{ name: 'traceparent', description: `00-${'0'.repeat(32)}-b7ad6b7169203331-01` }], 'nope'), undefined);
    assert.equal(serverSpanContext(undefined, undefined), undefined);
  });
});
