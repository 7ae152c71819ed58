import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { quantile, readRouteLatency } from './latency.js';

describe('quantile', () => {
  it('interpolates within the bucket that holds the rank', () => {
    // 10 in (0, 0.1], 10 in (0.1, 0.5]
    assert.equal(quantile([0.1, 0.5], [10, 10, 0], 0.4, 0.5), 0.1);
    assert.ok(Math.abs(quantile([0.1, 0.5], [10, 10, 0], 0.4, 0.75) - 0.25) < 1e-9);
    assert.equal(quantile([0.1], [0, 4], 2, 1), 2);
    assert.equal(quantile([0.1], [0, 0], 0, 0.5), 0);
  });
});

describe('readRouteLatency', () => {
  it('merges delta points per service and route and keeps the slowest exemplar', async () => {
    const point = (counts: number[], exemplars: Array<[number, string]>) => ({
      attributes: [
        { key: 'http.request.method', value: { stringValue: 'POST' } },
        { key: 'http.route', value: { stringValue: '/checkout' } },
      ],
      count: String(counts.reduce((a, b) => a + b)),
      bucketCounts: counts.map(String),
      explicitBounds: [0.1, 0.5],
      max: 0.7,
      exemplars: exemplars.map(([value, traceId]) => ({ asDouble: value, traceId, spanId: 'b7ad6b7169203331' })),
    });
    const line = (points: object[]) =>
      JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout-api' } }] },
            scopeMetrics: [
              {
                metrics: [
                  { name: 'http.server.request.duration', histogram: { dataPoints: points } },
                  { name: 'other', histogram: { dataPoints: points } },
                ],
              },
            ],
          },
        ],
      });
    const file = join(mkdtempSync(join(tmpdir(), 'latency-')), 'metrics.jsonl');
    writeFileSync(file, `${line([point([3, 1, 0], [[0.05, 'a'.repeat(32)]])])}\n${line([point([1, 0, 1], [[0.7, 'b'.repeat(32)]])])}\nnot json\n`);
    const [checkout] = await readRouteLatency(file);
    assert.equal(checkout?.service, 'checkout-api');
    assert.equal(checkout?.count, 6);
    assert.equal(checkout?.slowExample?.traceId, 'b'.repeat(32));
    assert.ok(checkout!.p50Seconds <= 0.1 && checkout!.p95Seconds > 0.5);
    assert.deepEqual(await readRouteLatency(join(tmpdir(), 'no-such-file.jsonl')), []);
  });
});
