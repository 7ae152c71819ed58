import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMillis, isRetryableStatus, parseRetryAfter } from './retryPolicy.js';

describe('retry policy', () => {
  it('retries throttling and server errors only', () => {
    assert.deepEqual([429, 500, 502, 503, 504].map(isRetryableStatus), [true, true, true, true, true]);
    assert.deepEqual([200, 400, 401, 403, 404, 413, 415].map(isRetryableStatus), [false, false, false, false, false, false, false]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('Thu, 26 Nov 2026 16:00:00 GMT');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 16:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 15:00:00 GMT', now), 0);
    for (const bad of [null, '', '-1', '1.5', 'soon']) assert.equal(parseRetryAfter(bad, now), undefined, String(bad));
  });

  it('backs off exponentially, capped, with jitter', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => backoffMillis(attempt, 100, 1000, 1)), [100, 200, 400, 800, 1000]);
    assert.equal(backoffMillis(3, 100, 1000, 0), 200);
  });
});
