import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode, context, propagation, trace as traceApi } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { createEdgeTracing } from '../tracing/edgeTracing.js';
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
  const network = (sent: Request[]) => async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push(new Request(input, init));
    return new Response('{}');
  };

  for (const [label, call] of [
    [
      'a URL and init',
      (f: typeof fetch) => f(new URL('http://origin.test/checkout'), { method: 'post', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }),
    ],
    [
      'a string and init',
      (f: typeof fetch) => f('http://origin.test/checkout', { method: 'post', headers: [['content-type', 'application/json']], body: '{"a":1}' }),
    ],
    [
      'a Request',
      (f: typeof fetch) => f(new Request('http://origin.test/checkout', { method: 'post', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })),
    ],
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
    const tracedFetch = createTracedFetch(tracing, propagateToOrigins(['http://origin.test']), async (input, init) => {
      sent.push(new Request(input, init));
      return new Response('{}');
    });
    const headers = { TraceParent: '00-11111111111111111111111111111111-2222222222222222-01', BAGGAGE: 'stale=1', 'x-kept': 'yes' };
    const parent = tracing.tracer.startSpan('parent');
    await context.with(traceApi.setSpan(context.active(), parent), () => tracedFetch('http://origin.test/a', { headers }));
    assert.match(sent[0]!.headers.get('traceparent') ?? '', new RegExp(`^00-${parent.spanContext().traceId}-`));
    assert.equal(sent[0]!.headers.get('baggage'), 'stale=1', "no baggage in the context: the caller's is left, as Headers.set would");
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

/** A local HTTP server that records what reached it and answers with `answer(path)`. */
async function recordingServer(answer: (path: string) => { status: number; location?: string }) {
  const received: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ method: request.method ?? '', path, headers: request.headers, body });
      const { status, location } = answer(path);
      response.writeHead(status, location ? { location } : {}).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A traced fetch allowed to propagate to `allowed`, called inside a parent span with baggage. */
function tracedFetchUnder(allowed: string[], network?: typeof fetch) {
  const exporter = new InMemorySpanExporter();
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const tracedFetch = createTracedFetch(tracing, propagateToOrigins(allowed), network);
  const parent = tracing.tracer.startSpan('parent');
  const baggage = propagation.createBaggage({ 'session.id': { value: 's1' }, 'user.tier': { value: 'vip' } });
  const call = <T>(fn: (f: typeof fetch) => Promise<T>) =>
    context.with(propagation.setBaggage(traceApi.setSpan(context.active(), parent), baggage), () => fn(tracedFetch));
  const clientSpans = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
  };
  return { call, parent, clientSpans };
}

const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'];
const CREDENTIALS = { authorization: 'Bearer secret-token', cookie: 'sid=secret', 'proxy-authorization': 'Basic c2VjcmV0' };

describe('tracedFetch redirects', () => {
  it('sends a third party that an allowed origin redirects to (307) no trace headers and no credentials, over a real network', async () => {
    const thirdParty = await recordingServer(() => ({ status: 200 }));
    const allowed = await recordingServer(() => ({ status: 307, location: `${thirdParty.origin}/collect` }));
    try {
      const { call } = tracedFetchUnder([allowed.origin]);
      const response = await call((f) =>
        f(`${allowed.origin}/checkout`, { method: 'POST', headers: { 'content-type': 'application/json', ...CREDENTIALS }, body: '{"a":1}' }),
      );
      assert.equal(response.status, 200);
      assert.ok(allowed.received[0]!.headers.traceparent, 'the allowed origin gets the context');
      assert.equal(allowed.received[0]!.headers.authorization, CREDENTIALS.authorization);
      assert.equal(thirdParty.received.length, 1, 'the redirect is followed');
      const hop = thirdParty.received[0]!;
      assert.deepEqual([hop.method, hop.path, hop.body], ['POST', '/collect', '{"a":1}'], '307 keeps method and body');
      for (const name of [...TRACE_HEADERS, ...Object.keys(CREDENTIALS)]) assert.equal(hop.headers[name], undefined, `${name} reached the third party`);
    } finally {
      await Promise.all([allowed.close(), thirdParty.close()]);
    }
  });

  it('records each hop as a CLIENT span (resend_count on the resent ones); an allowed hop after a third party gets its own span as parent', async () => {
    const back = await recordingServer(() => ({ status: 200 }));
    const thirdParty = await recordingServer(() => ({ status: 302, location: `${back.origin}/landed?x=1` }));
    const allowed = await recordingServer(() => ({ status: 301, location: `${thirdParty.origin}/hop` }));
    try {
      const { call, parent, clientSpans } = tracedFetchUnder([allowed.origin, back.origin]);
      const response = await call((f) => f(`${allowed.origin}/start`));
      assert.equal(response.status, 200);
      const spans = await clientSpans();
      assert.deepEqual(
        spans.map((span) => [span.attributes['url.full'], span.attributes['http.response.status_code'], span.attributes['http.request.resend_count']]),
        [
          [`${allowed.origin}/start`, 301, undefined],
          [`${thirdParty.origin}/hop`, 302, 1],
          [`${back.origin}/landed`, 200, 2],
        ],
      );
      for (const span of spans) {
        assert.equal(span.parentSpanContext?.spanId, parent.spanContext().spanId, 'hops are siblings under the caller');
        assert.equal(span.status.code, SpanStatusCode.UNSET);
      }
      assert.equal(thirdParty.received[0]!.headers.traceparent, undefined);
      assert.equal(thirdParty.received[0]!.headers.baggage, undefined);
      assert.equal(back.received[0]!.headers.traceparent, `00-${parent.spanContext().traceId}-${spans[2]!.spanContext().spanId}-01`);
      assert.equal(back.received[0]!.headers.baggage, 'session.id=s1,user.tier=vip');
    } finally {
      await Promise.all([allowed.close(), thirdParty.close(), back.close()]);
    }
  });

  it("strips a caller's own trace headers on a hop to an origin not allowed, and credentials on any hop to another origin", async () => {
    const sent: Request[] = [];
    const network: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      sent.push(request);
      const next: Record<string, string> = {
        'http://origin.test/a': 'http://origin.test/b',
        'http://origin.test/b': 'http://api.test/c',
        'http://api.test/c': 'http://third.example/d',
      };
      const location = next[request.url];
      return location ? new Response(null, { status: 308, headers: { location } }) : new Response('{}');
    };
    const { call } = tracedFetchUnder(['http://origin.test', 'http://api.test'], network);
    await call((f) => f('http://origin.test/a', { headers: { ...CREDENTIALS, baggage: 'own=1', tracestate: 'own=1' } }));
    assert.deepEqual(
      sent.map((request) => request.url),
      ['http://origin.test/a', 'http://origin.test/b', 'http://api.test/c', 'http://third.example/d'],
    );
    assert.equal(sent[1]!.headers.get('authorization'), CREDENTIALS.authorization, 'same origin: credentials stay');
    for (const request of sent.slice(2))
      for (const name of Object.keys(CREDENTIALS)) assert.equal(request.headers.get(name), null, `${name} to ${request.url}`);
    assert.ok(sent[2]!.headers.get('traceparent'), 'another allowed origin gets the context');
    for (const name of TRACE_HEADERS) assert.equal(sent[3]!.headers.get(name), null, `${name} to the third party`);
    for (const request of sent) assert.equal(request.redirect, 'manual', 'every hop is sent with redirect: manual');
  });

  it("honours the caller's redirect mode: 'manual' gets the 3xx, 'error' a TypeError (also from a Request)", async () => {
    const sent: string[] = [];
    const network: typeof fetch = async (input, init) => {
      sent.push(new Request(input, init).url);
      return new Response(null, { status: 302, headers: { location: 'http://third.example/x' } });
    };
    const { call, clientSpans } = tracedFetchUnder(['http://origin.test'], network);
    const manual = await call((f) => f('http://origin.test/a', { redirect: 'manual' }));
    assert.equal(manual.status, 302);
    assert.equal(manual.headers.get('location'), 'http://third.example/x');
    await assert.rejects(
      call((f) => f('http://origin.test/a', { redirect: 'error' })),
      TypeError,
    );
    await assert.rejects(
      call((f) => f(new Request('http://origin.test/a', { redirect: 'error' }))),
      TypeError,
    );
    assert.deepEqual(sent, ['http://origin.test/a', 'http://origin.test/a', 'http://origin.test/a'], 'nothing followed');
    const spans = await clientSpans();
    assert.equal(spans[0]!.status.code, SpanStatusCode.UNSET);
    for (const span of spans.slice(1)) {
      assert.equal(span.status.code, SpanStatusCode.ERROR);
      assert.equal(span.attributes['error.type'], 'TypeError');
    }
  });

  it('follows at most 20 redirects (21 requests), then fails with a TypeError on an ERROR span', async () => {
    let count = 0;
    const network: typeof fetch = async () => new Response(null, { status: 307, headers: { location: `/loop/${++count}` } });
    const { call, clientSpans } = tracedFetchUnder(['http://origin.test'], network);
    await assert.rejects(
      call((f) => f('http://origin.test/loop/0')),
      /more than 20 redirects/,
    );
    assert.equal(count, 21);
    const spans = await clientSpans();
    assert.equal(spans.length, 21);
    assert.equal(spans.at(-1)!.attributes['http.request.resend_count'], 20);
    assert.equal(spans.at(-1)!.status.code, SpanStatusCode.ERROR);
  });

  it('returns a redirect without a Location as it is, and refuses to resend a streamed body on 307', async () => {
    const { call } = tracedFetchUnder(['http://origin.test'], async () => new Response('moved', { status: 301 }));
    assert.equal((await call((f) => f('http://origin.test/a'))).status, 301);
    const streaming = tracedFetchUnder(['http://origin.test'], async (input, init) => {
      await new Request(input, init).text();
      return new Response(null, { status: 307, headers: { location: '/b' } });
    });
    const body = new ReadableStream({
      start: (controller) => {
        controller.enqueue(new TextEncoder().encode('x'));
        controller.close();
      },
    });
    await assert.rejects(
      streaming.call((f) => f('http://origin.test/a', { method: 'POST', body, duplex: 'half' } as RequestInit)),
      TypeError,
    );
    await assert.rejects(
      streaming.call((f) => f(new Request('http://origin.test/a', { method: 'POST', body: 'x' }))),
      TypeError,
    );
  });
});
