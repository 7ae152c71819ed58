import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMillis, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelayMillis } from './retryPolicy.js';
import { ExportFailure, exportFailureFromResponse, isRetryableFailure } from './exportFailure.js';
import { RETRY_CASES } from './retryCases.js';

describe('retry policy', () => {
  it('retries timeouts, throttling and server errors only', () => {
    assert.deepEqual([408, 429, 500, 502, 503, 504, 599].map(isRetryableStatus), [true, true, true, true, true, true, true]);
    assert.deepEqual([200, 400, 401, 403, 404, 413, 415, 600].map(isRetryableStatus), [false, false, false, false, false, false, false, false]);
  });

  it('reads Retry-After as seconds, fractions or an HTTP date, bounded', () => {
    const now = Date.parse('Thu, 26 Nov 2026 16:00:00 GMT');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('1.5', now), 1500);
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 16:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Thu, 26 Nov 2026 15:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('86400', now), DEFAULT_RETRY_POLICY.maxRetryAfterMillis);
    assert.equal(parseRetryAfter('Thu, 26 Nov 2027 16:00:00 GMT', now), DEFAULT_RETRY_POLICY.maxRetryAfterMillis);
    for (const bad of [null, undefined, '', '-1', '1.', '.5', 'soon', '1e3', `${'9'.repeat(70)}`])
      assert.equal(parseRetryAfter(bad, now), undefined, String(bad));
  });

  it('backs off exponentially, capped, with jitter', () => {
    const max = () => 1;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 50, 5000].map((failures) => backoffMillis(failures, DEFAULT_RETRY_POLICY, max)),
      [500, 1000, 2000, 4000, 5000, 5000, 5000],
    );
    assert.equal(
      backoffMillis(3, DEFAULT_RETRY_POLICY, () => 0),
      1000,
    );
    assert.equal(
      backoffMillis(3, DEFAULT_RETRY_POLICY, () => 0.5),
      1500,
    );
  });

  it('keeps trying through a 30 s outage, and tries again within 5 s of its end', () => {
    let elapsed = 0;
    let failures = 0;
    while (elapsed < 30_000) elapsed += backoffMillis(++failures, DEFAULT_RETRY_POLICY, () => 1);
    assert.ok(failures >= 8, String(failures));
    assert.ok(elapsed - 30_000 <= DEFAULT_RETRY_POLICY.maxBackoffMillis);
  });

  it('honours the endpoint’s Retry-After over the backoff, bounded', () => {
    assert.equal(retryDelayMillis(1, 7000), 7000);
    assert.equal(retryDelayMillis(9, 0), 0);
    assert.equal(retryDelayMillis(1, 3_600_000), DEFAULT_RETRY_POLICY.maxRetryAfterMillis);
  });

  it('judges other exporters’ errors by their HTTP status', () => {
    assert.equal(isRetryableFailure(Object.assign(new Error('x'), { code: 408 })), true);
    assert.equal(isRetryableFailure(Object.assign(new Error('x'), { code: 500 })), true);
    assert.equal(isRetryableFailure(Object.assign(new Error('x'), { code: 400 })), false);
    assert.equal(isRetryableFailure(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isRetryableFailure(new ExportFailure('no', false)), false);
  });

  it('classifies every shared case as the table says', () => {
    const now = Date.now();
    for (const c of RETRY_CASES) {
      if (c.status === undefined) continue;
      const failure = exportFailureFromResponse(c.status, c.retryAfter?.(now), now);
      assert.equal(failure.retryable, c.retry, c.name);
      if (c.retryAfterMillis) {
        assert.ok(
          failure.retryAfterMillis !== undefined && failure.retryAfterMillis >= c.retryAfterMillis[0] && failure.retryAfterMillis <= c.retryAfterMillis[1],
          `${c.name}: ${failure.retryAfterMillis}`,
        );
      } else assert.equal(failure.retryAfterMillis, undefined, c.name);
    }
  });
});
