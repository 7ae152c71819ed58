import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ExportFailure } from '@journeytrace/contract';
import { capturedMetrics } from '../../test/capturedMetrics.js';
import { createEdgeTracing, METRIC_SPANS_DROPPED } from './edgeTracing.js';

/** A collector that refuses every span for good (400): each one is a counted drop. */
const refusing: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: ExportResultCode.FAILED, error: new ExportFailure('collector answered 400', false, undefined, 400) }),
  shutdown: async () => {},
};

describe('createEdgeTracing drop reporting', () => {
  const realFetch = globalThis.fetch;
  const realLog = console.log;
  afterEach(() => {
    globalThis.fetch = realFetch;
    console.log = realLog;
  });

  it('counts dropped spans, logs them as one JSON line and sends the count as a metric', async () => {
    const lines: string[] = [];
    console.log = (line: unknown) => void lines.push(String(line));
    const metricBodies: string[] = [];
    globalThis.fetch = async (_input, init) => {
      metricBodies.push(String(init?.body));
      return new Response(null, { status: 200 });
    };
    const tracing = createEdgeTracing({
      serviceName: 'edge-test',
      exporter: refusing,
      metricsUrl: 'http://collector.test/v1/metrics',
      metricsIntervalMillis: 0,
      batch: { idleDelayMillis: 0 },
    });
    tracing.requestStarted();
    tracing.tracer.startSpan('refused').end();
    tracing.tracer.startSpan('refused too').end();
    await tracing.requestEnded();
    assert.equal(tracing.droppedSpans, 2);

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'journeytrace.spans.dropped');
    assert.equal(logged.length, 1, 'one line per flush');
    assert.equal(logged[0]!.dropped_spans, 2);
    assert.equal(logged[0]!.dropped_spans_total, 2);
    assert.match(String(logged[0]!.reason), /refused them \(collector answered 400\)/);

    await tracing.forceFlush(); // the metrics flush reads the counter as it is now
    const counters = metricBodies
      .flatMap((body) => JSON.parse(body).resourceMetrics[0].scopeMetrics[0].metrics as Array<{ name: string; sum?: { dataPoints: Array<{ asInt: string }> } }>)
      .filter((metric) => metric.name === METRIC_SPANS_DROPPED);
    assert.equal(counters.at(-1)?.sum?.dataPoints[0]?.asInt, '2');
  });
});

describe('createEdgeTracing metrics flush', () => {
  it('holds the request that recorded the last outcome until the interval has passed and sends it then', async () => {
    const { metrics, bodies } = capturedMetrics({ exportIntervalMillis: 50 });
    const tracing = createEdgeTracing({
      serviceName: 'edge-test',
      exporter: { export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }), shutdown: async () => {} },
      metrics,
    });
    tracing.requestStarted();
    metrics.recordServer({ durationSeconds: 0.01, attributes: { 'http.route': '/last' }, error: false });
    const held = tracing.requestEnded();
    assert.ok(held, 'the request has something to wait for: the metrics send');
    assert.equal(bodies.length, 0, 'not before the interval');
    await held;
    assert.equal(bodies.length, 1);
    assert.match(bodies[0]!, /"\/last"/);
  });
});
