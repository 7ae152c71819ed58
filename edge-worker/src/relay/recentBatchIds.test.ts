import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { batchIdOf, recentBatchIds } from './recentBatchIds.js';

describe('recentBatchIds', () => {
  it('remembers ids up to its capacity, forgetting the oldest first', () => {
    const recent = recentBatchIds(2);
    recent.add('a'.repeat(22));
    recent.add('b'.repeat(22));
    recent.add('c'.repeat(22));
    assert.equal(recent.has('a'.repeat(22)), false);
    assert.equal(recent.has('b'.repeat(22)), true);
    assert.equal(recent.has('c'.repeat(22)), true);
  });

  it('takes only well-formed ids from the header', () => {
    assert.equal(batchIdOf('AbC_-0123456789abcdefg'), 'AbC_-0123456789abcdefg');
    assert.equal(batchIdOf(null), undefined);
    assert.equal(batchIdOf('short'), undefined);
    assert.equal(batchIdOf('x'.repeat(65)), undefined);
    assert.equal(batchIdOf('has space in it 1234567'), undefined);
  });
});
