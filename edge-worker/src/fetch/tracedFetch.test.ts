import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, trace as traceApi } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { createEdgeTracing } from '../telemetry/edgeTracing.js';
import { trace, type TraceVariables } from '../middleware/trace/index.js';
import { createTracedFetch, propagateToOrigins } from './tracedFetch.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** A worker that calls `target` with c.var.tracedFetch, and a fake network that records requests. */
function appCalling(target: string, status = 200) {
  const exporter = new InMemorySpanExporter();
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const sent: Request[] = [];
  const network = async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push(new Request(input, init));
    return new Response('{}', { status });
  };
  const app = new Hono<{ Variables: TraceVariables }>();
  app.use(trace({ tracing }));
  app.use(async (c, next) => {
    c.set('tracedFetch', createTracedFetch(tracing, propagateToOrigins(['http://origin.test']), network));
    await next();
  });
  app.get('/', async (c) => {
    const response = await c.var.tracedFetch(target);
    return c.text('done', response.status === 200 ? 200 : 502);
  });
  return { app, tracing, exporter, sent };
}

const headers = { traceparent: TRACEPARENT, tracestate: 'vendor=abc', baggage: 'session.id=s1,user.tier=vip' };

describe('tracedFetch', () => {
  it('injects trace context and baggage into allow-listed origins, under a CLIENT span', async () => {
    const { app, tracing, exporter, sent } = appCalling('http://origin.test/checkout?card=4111');
    await app.request('/', { headers });
    await tracing.forceFlush();
    const client = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CLIENT);
    assert.ok(client);
    const request = sent[0]!;
    assert.equal(request.headers.get('traceparent'), `00-0af7651916cd43dd8448eb211c80319c-${client.spanContext().spanId}-01`);
    assert.equal(request.headers.get('tracestate'), 'vendor=abc');
    assert.equal(request.headers.get('baggage'), 'session.id=s1,user.tier=vip');
    assert.equal(client.attributes['url.full'], 'http://origin.test/checkout');
    assert.equal(client.attributes['http.response.status_code'], 200);
  });

  it('sends no trace headers or baggage to a third party', async () => {
    const { app, sent } = appCalling('https://third-party.example/pixel');
    await app.request('/', { headers });
    const request = sent[0]!;
    assert.equal(request.headers.get('traceparent'), null);
    assert.equal(request.headers.get('tracestate'), null);
    assert.equal(request.headers.get('baggage'), null);
  });

  it('marks failed calls as ERROR', async () => {
    const { app, tracing, exporter } = appCalling('http://origin.test/checkout', 503);
    await app.request('/', { headers });
    await tracing.forceFlush();
    const client = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CLIENT);
    assert.equal(client?.status.code, SpanStatusCode.ERROR);
    assert.equal(client?.attributes['error.type'], '503');
  });
});

describe('tracedFetch inputs', () => {
  const network = (sent: Request[]) => async (input: RequestInfo | URL, init?: RequestInit) => (sent.push(new Request(input, init)), new Response('{}'));

  for (const [label, call] of [
    ['a URL and init', (f: typeof fetch) => f(new URL('http://origin.test/checkout'), { method: 'post', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })],
    ['a string and init', (f: typeof fetch) => f('http://origin.test/checkout', { method: 'post', headers: [['content-type', 'application/json']], body: '{"a":1}' })],
    ['a Request', (f: typeof fetch) => f(new Request('http://origin.test/checkout', { method: 'post', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }))],
  ] as const) {
    it(`keeps method, headers and body of ${label}, and adds the context`, async () => {
      const exporter = new InMemorySpanExporter();
      const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
      const sent: Request[] = [];
      const tracedFetch = createTracedFetch(tracing, propagateToOrigins(['http://origin.test']), network(sent));
      const parent = tracing.tracer.startSpan('parent');
      await context.with(traceApi.setSpan(context.active(), parent), () => call(tracedFetch));
      parent.end();
      await tracing.forceFlush();
      const client = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CLIENT)!;
      assert.equal(client.name, 'POST');
      assert.equal(client.attributes['http.request.method'], 'POST');
      assert.equal(sent[0]!.method, 'POST');
      assert.equal(sent[0]!.headers.get('content-type'), 'application/json');
      assert.match(sent[0]!.headers.get('traceparent') ?? '', new RegExp(`^00-${parent.spanContext().traceId}-${client.spanContext().spanId}-0[13]$`));
      assert.equal(await sent[0]!.text(), '{"a":1}');
    });
  }
});

describe('tracedFetch headers', () => {
  it("replaces a caller's own traceparent, in any letter case, and leaves the caller's object as it was", async () => {
    const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter: new InMemorySpanExporter() });
    const sent: Request[] = [];
    const tracedFetch = createTracedFetch(tracing, propagateToOrigins(['http://origin.test']), async (input, init) => (sent.push(new Request(input, init)), new Response('{}')));
    const headers = { TraceParent: '00-11111111111111111111111111111111-2222222222222222-01', BAGGAGE: 'stale=1', 'x-kept': 'yes' };
    const parent = tracing.tracer.startSpan('parent');
    await context.with(traceApi.setSpan(context.active(), parent), () => tracedFetch('http://origin.test/a', { headers }));
    assert.match(sent[0]!.headers.get('traceparent') ?? '', new RegExp(`^00-${parent.spanContext().traceId}-`));
    assert.equal(sent[0]!.headers.get('baggage'), 'stale=1', 'no baggage in the context: the caller\'s is left, as Headers.set would');
    assert.equal(sent[0]!.headers.get('x-kept'), 'yes');
    assert.deepEqual(headers, { TraceParent: '00-11111111111111111111111111111111-2222222222222222-01', BAGGAGE: 'stale=1', 'x-kept': 'yes' });
  });
});

describe('propagateToOrigins', () => {
  it('matches exact origins only and ignores malformed entries', () => {
    const allowed = propagateToOrigins(['http://origin.test', 'not a url']);
    assert.ok(allowed(new URL('http://origin.test/a')));
    assert.ok(!allowed(new URL('http://origin.test.evil/a')));
    assert.ok(!allowed(new URL('https://origin.test/a')));
  });
});
