import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { StepContextManager } from '../context/StepContextManager.js';
import { httpClientSpan } from './httpAttributes.js';
import { instrumentFetch } from './instrumentFetch.js';

describe('httpClientSpan', () => {
  it('names the span after the method and sets the stable HTTP client attributes', () => {
    assert.deepEqual(httpClientSpan('post', new URL('https://edge.example/api/checkout?x=1')), {
      name: 'POST',
      attributes: { 'http.request.method': 'POST', 'http.request.method_original': 'post', 'url.full': 'https://edge.example/api/checkout?x=1', 'server.address': 'edge.example', 'server.port': 443 },
    });
    assert.deepEqual(httpClientSpan('PURGE', new URL('http://127.0.0.1:8787/')), {
      name: 'HTTP',
      attributes: { 'http.request.method': '_OTHER', 'http.request.method_original': 'PURGE', 'url.full': 'http://127.0.0.1:8787/', 'server.address': '127.0.0.1', 'server.port': 8787 },
    });
  });
});

describe('instrumentFetch', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test');
  let seen: Array<{ url: string; headers: Headers }> = [];
  let answer: () => Promise<Response> = async () => new Response('ok');
  const target = {
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push({ url: request.url, headers: request.headers });
      return answer();
    }) as typeof fetch,
  };
  let restore: () => void = () => undefined;

  beforeEach(() => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    exporter.reset();
    seen = [];
    answer = async () => new Response('ok');
    restore = instrumentFetch(tracer, { propagateTo: (url) => url.origin === 'https://edge.example', ignore: (href) => href.startsWith('https://shop.example/v1/traces'), baseUrl: 'https://shop.example/' }, target);
  });
  afterEach(() => {
    restore();
    propagation.disable();
  });

  it('makes a client span and sends traceparent to an allow-listed origin, leaving the caller headers alone', async () => {
    const headers = { 'content-type': 'application/json' };
    const response = await target.fetch('https://edge.example/api/checkout', { method: 'POST', headers });
    assert.equal(await response.text(), 'ok');
    const [span] = exporter.getFinishedSpans();
    assert.equal(span!.kind, SpanKind.CLIENT);
    assert.equal(span!.name, 'POST');
    assert.equal(span!.attributes['http.response.status_code'], 200);
    assert.equal(seen[0]!.headers.get('traceparent'), `00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
    assert.equal(seen[0]!.headers.get('content-type'), 'application/json');
    assert.deepEqual(headers, { 'content-type': 'application/json' });
  });

  it('sends no trace headers to other origins, but still traces the request', async () => {
    await target.fetch('https://third.example/data');
    assert.equal(seen[0]!.headers.get('traceparent'), null);
    assert.equal(exporter.getFinishedSpans().length, 1);
  });

  it('injects into a copy of a Request, keeping its method and body', async () => {
    const request = new Request('https://edge.example/api', { method: 'PUT', body: 'x' });
    await target.fetch(request);
    assert.match(seen[0]!.headers.get('traceparent') ?? '', /^00-/);
    assert.equal(request.headers.get('traceparent'), null);
    assert.equal(exporter.getFinishedSpans()[0]!.name, 'PUT');
  });

  it('is a child of the active span', async () => {
    const manager = new StepContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const parent = tracer.startSpan('step');
      await context.with(trace.setSpan(context.active(), parent), () => target.fetch('https://edge.example/x'));
      parent.end();
      assert.equal(exporter.getFinishedSpans()[0]!.parentSpanContext?.spanId, parent.spanContext().spanId);
    } finally {
      context.disable();
    }
  });

  it('marks HTTP >= 400 and network errors ERROR, rethrowing the error unchanged', async () => {
    answer = async () => new Response('', { status: 503 });
    await target.fetch('https://edge.example/fail');
    const failure = new TypeError('Failed to fetch');
    answer = async () => Promise.reject(failure);
    await assert.rejects(target.fetch('https://edge.example/down'), (error) => error === failure);
    const [http, network] = exporter.getFinishedSpans();
    assert.equal(http!.status.code, SpanStatusCode.ERROR);
    assert.equal(http!.attributes['error.type'], '503');
    assert.equal(network!.status.code, SpanStatusCode.ERROR);
    assert.equal(network!.attributes['error.type'], 'TypeError');
    assert.equal(network!.attributes['http.response.status_code'], undefined);
  });

  it('leaves ignored URLs untraced, and unwraps', async () => {
    await target.fetch('https://shop.example/v1/traces', { method: 'POST' });
    assert.equal(exporter.getFinishedSpans().length, 0);
    assert.equal(seen[0]!.headers.get('traceparent'), null);
    const wrapped = target.fetch;
    restore();
    assert.notEqual(target.fetch, wrapped);
  });
});
