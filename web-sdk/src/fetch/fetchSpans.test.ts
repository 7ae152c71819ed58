import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { stepContextManager } from '../context/StepContextManager.js';
import { propagationPatterns } from '../propagation/propagationFilter.js';
import { fetchSpans } from './fetchSpans.js';

// instrumentation-fetch patches globalThis.fetch: a stub stands in for the network, and a
// location for the page (its same-origin rule and relative URLs read it).
describe('fetchSpans (instrumentation-fetch as the SDK configures it)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
  const page = globalThis as { location?: unknown; fetch: typeof fetch };
  const realFetch = page.fetch;
  let seen: Array<{ url: string; headers: Headers }> = [];
  let answer: () => Promise<Response> = async () => new Response('ok');
  let instrumentation: FetchInstrumentation;

  /** The spans once `count` have ended (the stock instrumentation ends them after a resource-timing wait). */
  async function ended(count: number): Promise<ReadableSpan[]> {
    for (let waited = 0; exporter.getFinishedSpans().length < count; waited += 20) {
      assert.ok(waited < 5000, `${count} spans did not end; ${exporter.getFinishedSpans().length} did`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return exporter.getFinishedSpans();
  }

  before(() => {
    page.location = new URL('https://shop.example/cart');
    page.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      seen.push({ url: request.url, headers: request.headers });
      return answer();
    };
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(stepContextManager().enable());
    instrumentation = fetchSpans({ propagateTo: propagationPatterns(['https://edge.example'], () => undefined), tracesUrl: 'https://shop.example/v1/traces' });
    instrumentation.setTracerProvider(provider);
  });
  after(() => {
    instrumentation.disable();
    page.fetch = realFetch;
    delete page.location;
    propagation.disable();
    context.disable();
  });
  beforeEach(() => {
    exporter.reset();
    seen = [];
    answer = async () => new Response('ok');
  });

  it('makes a client span and sends traceparent to an allow-listed origin, leaving the caller headers alone', async () => {
    const headers = { 'content-type': 'application/json' };
    const response = await fetch('https://edge.example/api/checkout', { method: 'POST', headers });
    assert.equal(await response.text(), 'ok');
    const [span] = await ended(1);
    assert.equal(span!.kind, SpanKind.CLIENT);
    assert.equal(span!.name, 'POST');
    assert.equal(span!.attributes['http.request.method'], 'POST');
    assert.equal(span!.attributes['url.full'], 'https://edge.example/api/checkout');
    assert.equal(span!.attributes['http.response.status_code'], 200);
    assert.equal(seen[0]!.headers.get('traceparent'), `00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
    assert.equal(seen[0]!.headers.get('content-type'), 'application/json');
    assert.deepEqual(headers, { 'content-type': 'application/json' });
  });

  it('sends trace headers to the page origin, and none to look-alike or other origins, which are still traced', async () => {
    await fetch('/api/cart');
    await fetch('https://edge.example.evil/x');
    await fetch('https://edge.example:8443/x');
    await fetch('https://third.example/data');
    assert.deepEqual(
      seen.map((request) => [request.url, request.headers.has('traceparent')]),
      [
        ['https://shop.example/api/cart', true],
        ['https://edge.example.evil/x', false],
        ['https://edge.example:8443/x', false],
        ['https://third.example/data', false],
      ],
    );
    assert.equal((await ended(4)).length, 4);
  });

  it('is a child of the active span', async () => {
    const parent = provider.getTracer('test').startSpan('step');
    await context.with(trace.setSpan(context.active(), parent), () => fetch('https://edge.example/x'));
    parent.end();
    const [fetchSpan] = (await ended(2)).filter((span) => span.kind === SpanKind.CLIENT);
    assert.equal(fetchSpan!.parentSpanContext?.spanId, parent.spanContext().spanId);
  });

  it('marks HTTP 5xx and network errors ERROR, rethrowing the error unchanged', async () => {
    answer = async () => new Response('', { status: 503 });
    await fetch('https://edge.example/fail');
    const failure = new TypeError('Failed to fetch');
    answer = async () => Promise.reject(failure);
    await assert.rejects(fetch('https://edge.example/down'), (error) => error === failure);
    const spans = await ended(2);
    const http = spans.find((span) => span.attributes['url.full'] === 'https://edge.example/fail')!;
    const network = spans.find((span) => span.attributes['url.full'] === 'https://edge.example/down')!;
    assert.equal(http.status.code, SpanStatusCode.ERROR);
    assert.equal(http.attributes['error.type'], '503');
    assert.equal(network.status.code, SpanStatusCode.ERROR);
    assert.equal(network.status.message, 'Failed to fetch');
    assert.equal(network.attributes['error.type'], 'TypeError');
  });

  it('leaves the trace endpoint untraced, with or without a query', async () => {
    await fetch('https://shop.example/v1/traces', { method: 'POST' });
    await fetch('https://shop.example/v1/traces?sent_at=1700000000000', { method: 'POST' });
    await fetch('https://shop.example/v1/traces-archive');
    assert.deepEqual(
      seen.map((request) => request.headers.has('traceparent')),
      [false, false, true],
    );
    // Spans end in the order their responses came: had the exports been traced, they would be first.
    const spans = await ended(1);
    assert.deepEqual(
      spans.map((span) => span.attributes['url.full']),
      ['https://shop.example/v1/traces-archive'],
    );
  });
});
