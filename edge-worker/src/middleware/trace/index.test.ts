import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { diag, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { createEdgeTracing } from '../../tracing/edgeTracing.js';
import { capturedMetrics } from '../../../test/capturedMetrics.js';
import { pathOf, trace, type TraceVariables } from './index.js';

const PARENT_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN_ID = 'b7ad6b7169203331';
const TRACEPARENT = `00-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-01`;

function tracedApp(exporter: InMemorySpanExporter) {
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const app = new Hono<{ Variables: TraceVariables }>();
  app.use(trace({ tracing, propagateTo: ['http://origin.test'] }));
  app.get('/api/items/:id', (c) => c.json({ id: c.req.param('id') }));
  app.get('/boom', () => {
    throw new TypeError('kaput');
  });
  app.get('/bad-gateway', (c) => c.text('no', 502));
  app.onError((error, c) => c.text(error.message, 500));
  return { app, tracing };
}

async function finishedSpans(exporter: InMemorySpanExporter, tracing: { forceFlush(): Promise<void> }) {
  await tracing.forceFlush();
  return exporter.getFinishedSpans();
}

describe('trace middleware', () => {
  let exporter: InMemorySpanExporter;
  beforeEach(() => {
    exporter = new InMemorySpanExporter();
  });

  it('continues the caller trace in a SERVER span named after the route template', async () => {
    const { app, tracing } = tracedApp(exporter);
    const response = await app.request('/api/items/42?secret=1', {
      headers: { traceparent: TRACEPARENT, baggage: 'session.id=s1,user.tier=premium,card=4111', 'user-agent': 'test-agent' },
    });
    assert.equal(response.status, 200);
    const [span] = await finishedSpans(exporter, tracing);
    assert.ok(span);
    assert.equal(span.name, 'GET /api/items/:id');
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.spanContext().traceId, PARENT_TRACE_ID);
    assert.equal(span.parentSpanContext?.spanId, PARENT_SPAN_ID);
    assert.deepEqual(
      {
        method: span.attributes['http.request.method'],
        route: span.attributes['http.route'],
        path: span.attributes['url.path'],
        status: span.attributes['http.response.status_code'],
        agent: span.attributes['user_agent.original'],
        session: span.attributes['session.id'],
        tier: span.attributes['user.tier'],
        card: span.attributes.card,
      },
      { method: 'GET', route: '/api/items/:id', path: '/api/items/42', status: 200, agent: 'test-agent', session: 's1', tier: 'premium', card: undefined },
    );
    const serverTiming = response.headers.get('server-timing');
    assert.equal(serverTiming, `traceparent;desc="00-${PARENT_TRACE_ID}-${span.spanContext().spanId}-01"`);
  });

  it('names spans by the whole route template in route groups, mounted apps and sub-app middleware', async () => {
    const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
    // trace() on the outer app; routes in a group mounted with route(), and in a basePath() app.
    const api = new Hono<{ Variables: TraceVariables }>();
    api.post('/orders/:id', (c) => c.text('ok'));
    const v2 = new Hono<{ Variables: TraceVariables }>().basePath('/v2');
    v2.get('/items/:id', (c) => c.text('ok'));
    const app = new Hono<{ Variables: TraceVariables }>();
    app.use(trace({ tracing }));
    app.route('/api', api);
    app.route('/', v2);
    // trace() inside a group only: routes outside it make no span.
    const admin = new Hono<{ Variables: TraceVariables }>();
    admin.use(trace({ tracing }));
    admin.get('/users/:id', (c) => c.text('ok'));
    const outer = new Hono();
    outer.route('/admin', admin);
    outer.get('/health', (c) => c.text('ok'));

    for (const [target, path, init] of [
      [app, '/api/orders/7', { method: 'POST' }],
      [app, '/v2/items/9', {}],
      [outer, '/admin/users/3', {}],
      [outer, '/health', {}],
    ] as const) {
      assert.equal((await target.request(path, init)).status, 200, path);
    }
    const spans = await finishedSpans(exporter, tracing);
    assert.deepEqual(
      spans.map((span) => [span.name, span.attributes['http.route'], span.attributes['url.path']]),
      [
        ['POST /api/orders/:id', '/api/orders/:id', '/api/orders/7'],
        ['GET /v2/items/:id', '/v2/items/:id', '/v2/items/9'],
        ['GET /admin/users/:id', '/admin/users/:id', '/admin/users/3'],
      ],
    );
  });

  for (const [label, headers] of [
    ['missing', {}],
    ['malformed', { traceparent: 'not-a-traceparent' }],
    ['all-zero trace id', { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' }],
    ['bad hex', { traceparent: '00-0af7651916cd43dd8448eb211c80319Z-b7ad6b7169203331-01' }],
    ['version ff', { traceparent: `ff-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-01` }],
  ] as const) {
    it(`starts a new trace when the traceparent is ${label}`, async () => {
      const { app, tracing } = tracedApp(exporter);
      const response = await app.request('/api/items/1', { headers });
      assert.equal(response.status, 200);
      const [span] = await finishedSpans(exporter, tracing);
      assert.ok(span);
      assert.match(span.spanContext().traceId, /^[0-9a-f]{32}$/);
      assert.notEqual(span.spanContext().traceId, PARENT_TRACE_ID);
      assert.notEqual(span.spanContext().traceId, '0'.repeat(32));
      assert.equal(span.parentSpanContext, undefined);
    });
  }

  it('sets the Level 2 random flag on a trace it starts, and keeps an incoming one', async () => {
    const { app, tracing } = tracedApp(exporter);
    const started = await app.request('/api/items/1');
    const continued = await app.request('/api/items/2', { headers: { traceparent: `00-${PARENT_TRACE_ID}-${PARENT_SPAN_ID}-03` } });
    const [first, second] = await finishedSpans(exporter, tracing);
    assert.equal(started.headers.get('server-timing'), `traceparent;desc="00-${first!.spanContext().traceId}-${first!.spanContext().spanId}-03"`);
    assert.equal(continued.headers.get('server-timing'), `traceparent;desc="00-${PARENT_TRACE_ID}-${second!.spanContext().spanId}-03"`);
  });

  it('adds Server-Timing to a response with immutable headers (one passed through from fetch)', async () => {
    const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
    const app = new Hono();
    app.use(trace({ tracing }));
    app.get('/elsewhere', () => Response.redirect('http://origin.test/moved', 302)); // immutable headers, like fetch's
    const response = await app.request('/elsewhere', { headers: { traceparent: TRACEPARENT } });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), 'http://origin.test/moved');
    assert.match(response.headers.get('server-timing') ?? '', new RegExp(`^traceparent;desc="00-${PARENT_TRACE_ID}-[0-9a-f]{16}-01"$`));
  });

  it('marks 5xx responses and thrown errors as ERROR', async () => {
    const { app, tracing } = tracedApp(exporter);
    assert.equal((await app.request('/bad-gateway')).status, 502);
    assert.equal((await app.request('/boom')).status, 500);
    const spans = await finishedSpans(exporter, tracing);
    const badGateway = spans.find((span) => span.name === 'GET /bad-gateway');
    const boom = spans.find((span) => span.name === 'GET /boom');
    assert.equal(badGateway?.status.code, SpanStatusCode.ERROR);
    assert.equal(badGateway?.attributes['error.type'], '502');
    assert.equal(boom?.status.code, SpanStatusCode.ERROR);
    assert.equal(boom?.attributes['error.type'], 'TypeError');
    assert.equal(boom?.events[0]?.name, 'exception');
  });

  it('answers normally when the collector is down', async () => {
    const tracing = createEdgeTracing({ serviceName: 'edge-test', tracesUrl: 'http://127.0.0.1:9/v1/traces' });
    const app = new Hono();
    app.use(trace({ tracing }));
    app.get('/', (c) => c.text('still here'));
    const response = await app.request('/', { headers: { traceparent: TRACEPARENT } });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'still here');
    await tracing.forceFlush();
  });

  it('says why spans are held when the collector is down, as JSON log lines, with OTEL_LOG_LEVEL=warn', async () => {
    const tracing = createEdgeTracing({ serviceName: 'edge-test', tracesUrl: 'http://127.0.0.1:9/v1/traces', batch: { maxWaitMillis: 0 } });
    const app = new Hono();
    app.use(trace({ tracing }));
    app.get('/', (c) => c.text('still here'));
    const lines: string[] = [];
    const realLog = console.log;
    console.log = (line: unknown) => void lines.push(String(line));
    try {
      const response = await app.request('/', { headers: { traceparent: TRACEPARENT } }, { OTEL_LOG_LEVEL: 'warn' });
      assert.equal(response.status, 200);
      await tracing.forceFlush();
    } finally {
      console.log = realLog;
      diag.disable(); // the logger is the process's: later tests stay quiet
    }
    const diagnostics = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'journeytrace.diag');
    assert.ok(
      diagnostics.some((line) => line.level === 'warn' && /span export failed/.test(String(line.message))),
      `a warning about the failed export, got ${JSON.stringify(diagnostics)}`,
    );
  });
});

describe('pathOf', () => {
  it('reads the path as URL.pathname does, still percent-encoded, without query or fragment', () => {
    for (const url of [
      'http://edge.test/',
      'https://edge.test/api/checkout?x=1',
      'http://127.0.0.1:8787/api/items/42#top',
      'https://shop.example/a%20b/%E2%9C%93?q=/not/path',
      'http://edge.test/?only=query',
      'https://user:pw@edge.test:8443/deep/path/',
    ]) {
      assert.equal(pathOf(url), new URL(url).pathname, url);
    }
  });
});

describe('trace middleware metrics', () => {
  it('sends http.server.request.duration per route with the request span as exemplar, flushed after the response', async () => {
    const { metrics, bodies } = capturedMetrics({ resource: { 'service.name': 'edge-test' }, exportIntervalMillis: 0 });
    const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter: new InMemorySpanExporter(), metrics });
    const app = new Hono<{ Variables: TraceVariables }>();
    app.use(trace({ tracing }));
    app.get('/api/items/:id', (c) => c.json({ id: c.req.param('id') }));
    await app.request('/api/items/7', { headers: { traceparent: TRACEPARENT } });
    await tracing.forceFlush();
    const metric = JSON.parse(bodies[0]!).resourceMetrics[0].scopeMetrics[0].metrics[0];
    assert.equal(metric.name, 'http.server.request.duration');
    const point = metric.histogram.dataPoints[0];
    assert.deepEqual(
      point.attributes.map((a: { key: string; value: Record<string, unknown> }) => [a.key, Object.values(a.value)[0]]),
      [
        ['http.request.method', 'GET'],
        ['http.route', '/api/items/:id'],
        ['http.response.status_code', '200'],
      ],
    );
    assert.equal(point.exemplars[0].traceId, PARENT_TRACE_ID);
    assert.equal(metrics.failedExports, 0);
  });
});

describe('trace middleware with OTEL_SDK_DISABLED', () => {
  /**
   * Runs one request through a worker configured by `env` and records every outbound fetch,
   * until `done` holds for them (at most 5 s) or, without `done`, for 300 ms (past the idle flush).
   */
  async function requestWith(env: Record<string, string>, done?: (sent: Array<{ url: string }>) => boolean) {
    const sent: Array<{ url: string; headers: Headers }> = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      sent.push({ url: request.url, headers: request.headers });
      return new Response('{}', { status: 200 });
    };
    try {
      const app = new Hono<{ Bindings: Record<string, string>; Variables: TraceVariables }>();
      app.use(trace({ propagateTo: ['http://origin.test'] }));
      app.get('/api/checkout', async (c) => {
        await c.var.tracedFetch('http://origin.test/checkout', { headers: { accept: 'application/json' } });
        return c.json({ recording: c.var.span.isRecording() });
      });
      const response = await app.request('/api/checkout', { headers: { traceparent: TRACEPARENT, baggage: 'session.id=s1' } }, env);
      const body = (await response.json()) as { recording: boolean };
      const deadline = Date.now() + (done ? 5000 : 300);
      while (Date.now() < deadline && !done?.(sent)) await new Promise((resolve) => setTimeout(resolve, 20));
      return { response, body, sent };
    } finally {
      globalThis.fetch = realFetch;
    }
  }
  const COLLECTOR = 'http://collector.disabled.test';

  it('passes requests through untouched: no span, no trace headers, no Server-Timing, nothing sent to the collector', async () => {
    const { response, body, sent } = await requestWith({ OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('server-timing'), null);
    assert.equal(body.recording, false);
    // Other tests' tracings in this process may still be retrying their own exports: count ours.
    const ours = sent.filter((request) => request.url.startsWith('http://origin.test/') || request.url.startsWith(COLLECTOR));
    assert.deepEqual(
      ours.map((request) => request.url),
      ['http://origin.test/checkout'],
    );
    assert.equal(ours[0]!.headers.get('accept'), 'application/json');
    assert.equal(ours[0]!.headers.get('traceparent'), null);
    assert.equal(ours[0]!.headers.get('baggage'), null);
  });

  it('traces as usual for any other value (the same worker can fail the check above)', async () => {
    const toCollector = (request: { url: string }) => request.url === `${COLLECTOR}/v1/traces`;
    const { response, body, sent } = await requestWith({ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: COLLECTOR }, (sent) =>
      sent.some(toCollector),
    );
    assert.match(response.headers.get('server-timing') ?? '', new RegExp(`traceparent;desc="00-${PARENT_TRACE_ID}-`));
    assert.equal(body.recording, true);
    const origin = sent.find((request) => request.url === 'http://origin.test/checkout');
    assert.match(origin?.headers.get('traceparent') ?? '', new RegExp(`^00-${PARENT_TRACE_ID}-`));
    assert.ok(sent.some(toCollector), 'the spans went to the collector');
  });
});
