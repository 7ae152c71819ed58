import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketIndex, DurationHistogram, MAX_SERIES, seriesKey, type MetricAttributes } from './durationHistogram.js';
import { exemplarPriority } from './exemplarPriority.js';
import { histogramsToOtlpJson } from './otlpMetricsJson.js';
import { HttpMetrics, type HttpMetricsOptions } from './httpMetrics.js';

/** An `HttpMetrics` whose exports land in memory: each OTLP/JSON body it sends, in order. */
function capturedMetrics(options: Partial<Omit<HttpMetricsOptions, 'fetch'>> = {}): { metrics: HttpMetrics; bodies: string[] } {
  const bodies: string[] = [];
  const fetch: typeof globalThis.fetch = async (_input, init) => {
    bodies.push(String(init?.body));
    return new Response(null, { status: 200 });
  };
  return { metrics: new HttpMetrics({ metricsUrl: 'http://collector.test/v1/metrics', resource: {}, ...options, fetch }), bodies };
}

const exemplar = (traceId: string) => ({ traceId, spanId: 'b7ad6b7169203331' });

describe('bucketIndex', () => {
  it('puts a value on a boundary in the bucket it closes (upper-inclusive)', () => {
    const bounds = [0.1, 0.5, 1];
    assert.deepEqual(
      [0, 0.1, 0.10001, 0.5, 1, 7].map((value) => bucketIndex(bounds, value)),
      [0, 0, 1, 1, 2, 3],
    );
  });
});

describe('seriesKey', () => {
  it('is the same whatever the key order, and differs for every other attribute set', () => {
    assert.equal(seriesKey({ a: 'x', b: 200 }), seriesKey({ b: 200, a: 'x' }));
    const sets: MetricAttributes[] = [
      { a: '1' },
      { a: 1 },
      { a: true },
      { a: 'true' },
      { a: 'x', b: 'y' },
      { 'a:1:x': 'y' },
      { a: 'x1:by' },
      { ab: 'x' },
      { a: 'bx' },
      {},
    ];
    assert.equal(new Set(sets.map(seriesKey)).size, sets.length);
  });
});

describe('DurationHistogram', () => {
  it('aggregates per attribute set and resets on collect (delta)', () => {
    let now = 1000;
    const histogram = new DurationHistogram('d', 'd', 's', [0.1, 0.5], () => now);
    histogram.record(0.05, { route: '/a' });
    histogram.record(0.7, { route: '/a' });
    histogram.record(0.2, { route: '/b' });
    now = 2000;
    const [a, b] = histogram.collect();
    assert.deepEqual([a!.count, a!.sum, a!.min, a!.max, a!.bucketCounts], [2, 0.75, 0.05, 0.7, [1, 0, 1]]);
    assert.deepEqual([b!.attributes, b!.bucketCounts, a!.startUnixMillis, a!.timeUnixMillis], [{ route: '/b' }, [0, 1, 0], 1000, 2000]);
    assert.deepEqual(histogram.collect(), []);
  });

  it('keeps the highest-priority exemplar per bucket', () => {
    const histogram = new DurationHistogram('d', 'd', 's', [0.1, 1]);
    histogram.record(0.5, {}, exemplar('a'.repeat(32)), 2);
    histogram.record(0.6, {}, exemplar('b'.repeat(32)), 0);
    histogram.record(0.05, {}, exemplar('c'.repeat(32)), 0);
    const [point] = histogram.collect();
    assert.deepEqual(
      point!.exemplars.map((e) => [e.traceId[0], e.value]),
      [
        ['c', 0.05],
        ['a', 0.5],
      ],
    );
  });

  it("leaves the exemplars it handed out as they were when later measurements replace the bucket's", () => {
    const histogram = new DurationHistogram('d', 'd', 's', [1]);
    histogram.record(0.5, {}, exemplar('a'.repeat(32)), 0);
    histogram.record(0.6, {}, exemplar('b'.repeat(32)), 0);
    const [first] = histogram.collect();
    histogram.record(0.7, {}, exemplar('c'.repeat(32)), 0);
    histogram.record(0.8, {}, exemplar('d'.repeat(32)), 0);
    const [second] = histogram.collect();
    assert.deepEqual(
      [first, second].map((point) => point!.exemplars.map((e) => [e.traceId[0], e.value])),
      [[['b', 0.6]], [['d', 0.8]]],
    );
  });

  it('ignores bad values and bounds the number of series, counting drops', () => {
    const histogram = new DurationHistogram('d', 'd');
    histogram.record(Number.NaN, {});
    histogram.record(-1, {});
    for (let i = 0; i < MAX_SERIES + 5; i += 1) histogram.record(0.1, { i });
    assert.equal(histogram.droppedMeasurements, 5);
    assert.equal(histogram.collect().length, MAX_SERIES);
  });
});

describe('exemplarPriority', () => {
  it('prefers errors, then slow requests, then kept tiers', () => {
    assert.equal(exemplarPriority({ error: true, durationSeconds: 0.01 }), 3);
    assert.equal(exemplarPriority({ error: false, durationSeconds: 0.6 }), 2);
    assert.equal(exemplarPriority({ error: false, durationSeconds: 0.01, tier: 'vip' }), 1);
    assert.equal(exemplarPriority({ error: false, durationSeconds: 0.01, tier: 'free' }), 0);
  });
});

describe('histogramsToOtlpJson', () => {
  it('writes delta histograms with exemplars as OTLP/JSON', () => {
    const histogram = new DurationHistogram('http.server.request.duration', 'Duration', 's', [0.1], () => 5);
    histogram.record(0.2, { 'http.route': '/x', 'http.response.status_code': 200 }, exemplar('d'.repeat(32)), 1);
    const body = JSON.parse(
      histogramsToOtlpJson({ 'service.name': 'edge' }, 'scope', [{ name: histogram.name, description: 'Duration', unit: 's', points: histogram.collect() }]),
    );
    const metric = body.resourceMetrics[0].scopeMetrics[0].metrics[0];
    assert.equal(metric.name, 'http.server.request.duration');
    assert.equal(metric.histogram.aggregationTemporality, 1);
    const point = metric.histogram.dataPoints[0];
    assert.deepEqual(point.attributes, [
      { key: 'http.route', value: { stringValue: '/x' } },
      { key: 'http.response.status_code', value: { intValue: '200' } },
    ]);
    assert.deepEqual([point.count, point.bucketCounts, point.explicitBounds], ['1', ['0', '1'], [0.1]]);
    assert.deepEqual(point.exemplars, [{ timeUnixNano: '5000000', asDouble: 0.2, traceId: 'd'.repeat(32), spanId: 'b7ad6b7169203331' }]);
  });
});

describe('HttpMetrics counters', () => {
  it('sends each counter as a cumulative monotonic sum, also when no request was recorded', async () => {
    let now = 1000;
    let dropped = 0;
    const { metrics, bodies } = capturedMetrics({
      resource: { 'service.name': 'edge' },
      now: () => now,
      counters: [{ name: 'journeytrace.edge.spans.dropped', description: 'Dropped spans.', unit: '{span}', read: () => dropped }],
    });
    await metrics.flush();
    assert.equal(bodies.length, 0, 'nothing recorded and nothing dropped: nothing sent');
    dropped = 7;
    now = 3000;
    await metrics.flush();
    const [metric] = JSON.parse(bodies[0]!).resourceMetrics[0].scopeMetrics[0].metrics;
    assert.equal(metric.name, 'journeytrace.edge.spans.dropped');
    assert.deepEqual(metric.sum, {
      aggregationTemporality: 2,
      isMonotonic: true,
      dataPoints: [{ startTimeUnixNano: '1000000000', timeUnixNano: '3000000000', asInt: '7' }],
    });
  });
});

describe('HttpMetrics.flushIfDue', () => {
  it('sends at most once per export interval', async () => {
    let now = 0;
    const { metrics, bodies } = capturedMetrics({ now: () => now, exportIntervalMillis: 1000 });
    metrics.recordServer({ durationSeconds: 0.1, attributes: {}, error: false });
    await metrics.flushIfDue();
    assert.equal(bodies.length, 0);
    now = 1000;
    await metrics.flushIfDue();
    assert.equal(bodies.length, 1);
    metrics.recordServer({ durationSeconds: 0.1, attributes: {}, error: false });
    now = 1500;
    await metrics.flushIfDue();
    assert.equal(bodies.length, 1);
  });
});

describe('HttpMetrics recording', () => {
  it('sends every outcome recorded before a flush, with each exemplar stamped when it was recorded', async () => {
    let now = 1000;
    const { metrics, bodies } = capturedMetrics({ now: () => now });
    const spanContext = { traceId: 'e'.repeat(32), spanId: 'f'.repeat(16), traceFlags: 1 };
    // More than are held before being added up, so both paths count.
    for (let i = 0; i < 700; i += 1) metrics.recordServer({ durationSeconds: 0.01, attributes: { 'http.route': '/a' }, error: false });
    metrics.recordServer({ durationSeconds: 0.6, attributes: { 'http.route': '/a' }, spanContext, error: false });
    metrics.recordClient({ durationSeconds: 0.02, attributes: {}, error: false });
    now = 9000;
    await metrics.flush();
    const [server, client] = JSON.parse(bodies[0]!).resourceMetrics[0].scopeMetrics[0].metrics;
    assert.equal(server.histogram.dataPoints[0].count, '701');
    assert.deepEqual(server.histogram.dataPoints[0].exemplars, [
      { timeUnixNano: '1000000000', asDouble: 0.6, traceId: 'e'.repeat(32), spanId: 'f'.repeat(16) },
    ]);
    assert.equal(client.histogram.dataPoints[0].count, '1');
    await metrics.flush();
    assert.equal(bodies.length, 1, 'nothing recorded since: nothing sent');
  });
});

describe('HttpMetrics.flushWhenDue', () => {
  it('has one request wait for the interval and send what every request recorded, so nothing stays in an idle isolate', async () => {
    const { metrics, bodies } = capturedMetrics({ exportIntervalMillis: 60 });
    assert.equal(metrics.flushWhenDue(), undefined, 'nothing recorded: nothing to wait for');
    metrics.recordServer({ durationSeconds: 0.1, attributes: { 'http.route': '/a' }, error: false });
    const waiting = metrics.flushWhenDue();
    assert.ok(waiting, 'the first request with something unsent waits for the interval');
    metrics.recordServer({ durationSeconds: 0.1, attributes: { 'http.route': '/a' }, error: false });
    assert.equal(metrics.flushWhenDue(), undefined, 'one waiter is enough');
    assert.equal(bodies.length, 0);
    await waiting;
    assert.equal(bodies.length, 1);
    const [server] = JSON.parse(bodies[0]!).resourceMetrics[0].scopeMetrics[0].metrics;
    assert.equal(server.histogram.dataPoints[0].count, '2');
    assert.equal(metrics.flushWhenDue(), undefined, 'all sent: nothing to wait for');
  });

  it('waits at most maxHoldMillis, and then sends early only if the isolate is idle (under traffic the interval sets the pace)', async () => {
    let idle = false;
    const { metrics, bodies } = capturedMetrics();
    metrics.recordServer({ durationSeconds: 0.1, attributes: {}, error: false });
    await metrics.flushWhenDue({ isIdle: () => idle, maxHoldMillis: 20 });
    assert.equal(bodies.length, 0, 'busy, and the 10 s interval has not passed: the next request takes over');
    idle = true;
    await metrics.flushWhenDue({ isIdle: () => idle, maxHoldMillis: 20 });
    assert.equal(bodies.length, 1, 'idle: sent before the isolate may go away');
  });
});
