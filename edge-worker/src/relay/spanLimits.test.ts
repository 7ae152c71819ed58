import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveSpanLimits, spanLimitsFromEnv } from './spanLimits.js';

describe('spanLimitsFromEnv', () => {
  it('reads the OTEL_* span limits, span-specific names first; unset ones stay unset (the defaults apply)', () => {
    assert.deepEqual(spanLimitsFromEnv({}), {});
    assert.deepEqual(spanLimitsFromEnv({ OTEL_ATTRIBUTE_COUNT_LIMIT: '64', OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '32', OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: ' 4 ' }), {
      attributeCountLimit: 32,
      attributePerLinkCountLimit: 4,
    });
    assert.deepEqual(resolveSpanLimits(spanLimitsFromEnv({ OTEL_SPAN_LINK_COUNT_LIMIT: '0' })).linkCountLimit, 0);
  });

  it('ignores a value that is not a non-negative integer, falling back to the next name or the default', () => {
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => void warned.push(message);
    try {
      assert.deepEqual(spanLimitsFromEnv({ OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: 'lots', OTEL_ATTRIBUTE_COUNT_LIMIT: '16', OTEL_SPAN_EVENT_COUNT_LIMIT: '-1' }), {
        attributeCountLimit: 16,
      });
    } finally {
      console.warn = warn;
    }
    assert.equal(warned.length, 2);
    assert.match(warned[0]!, /OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT="lots"/);
  });
});
