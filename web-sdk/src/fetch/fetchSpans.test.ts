import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { stepContextManager } from '../context/StepContextManager.js';
import { propagationPatterns } from '../propagation/propagationFilter.js';
import { fetchSpans, type FetchSpans } from './fetchSpans.js';

const UNREAD_TIMEOUT_MILLIS = 150;
const encoder = new TextEncoder();

/** A body of `chunks`, handed out one per pull, that notes whether it was cancelled. */
function chunkedBody(chunks: string[], state: { cancelled?: unknown; pulls: number } = { pulls: 0 }, failAfter?: number) {
  let index = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls += 1;
        if (failAfter !== undefined && index === failAfter) return controller.error(new TypeError('network error'));
        if (index < chunks.length) controller.enqueue(encoder.encode(chunks[index++]!));
        else controller.close();
      },
      cancel(reason) {
        state.cancelled = reason ?? 'cancelled';
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

// fetchSpans wraps globalThis.fetch: a stub stands in for the network, and a location for the
// page (its same-origin rule and relative URLs read it).
describe('fetchSpans', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
  const page = globalThis as { location?: unknown; fetch: typeof fetch };
  const realFetch = page.fetch;
  let seen: Array<{ url: string; headers: Headers; body: string | null }> = [];
  let answer: () => Promise<Response> = async () => new Response('ok');
  let instrumentation: FetchSpans;

  /** The spans once `count` have ended. */
  async function ended(count: number): Promise<ReadableSpan[]> {
    for (let waited = 0; exporter.getFinishedSpans().length < count; waited += 5) {
      assert.ok(waited < 3000, `${count} spans did not end; ${exporter.getFinishedSpans().length} did`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return exporter.getFinishedSpans();
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  before(() => {
    page.location = new URL('https://shop.example/cart');
    page.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      // As a browser does: a relative URL is resolved against the page.
      const request = new Request(input instanceof Request ? input : new URL(String(input), 'https://shop.example/cart'), init);
      seen.push({ url: request.url, headers: request.headers, body: request.body ? await request.text() : null });
      return answer();
    };
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(stepContextManager().enable());
    instrumentation = fetchSpans({
      tracer: provider.getTracer('test'),
      propagateTo: propagationPatterns(['https://edge.example'], () => undefined),
      tracesUrl: 'https://shop.example/v1/traces',
      unreadBodyTimeoutMillis: UNREAD_TIMEOUT_MILLIS,
      resourceTimingWaitMillis: 1,
    });
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
    const response = await fetch('https://edge.example/api/checkout', { method: 'post', headers, body: '{}' });
    assert.equal(await response.text(), 'ok');
    const [span] = await ended(1);
    assert.equal(span!.kind, SpanKind.CLIENT);
    assert.equal(span!.name, 'POST');
    assert.deepEqual(span!.attributes, {
      'http.request.method': 'POST',
      'url.full': 'https://edge.example/api/checkout',
      'server.address': 'edge.example',
      'server.port': 443,
      'http.response.status_code': 200,
      'journeytrace.fetch.body': 'read',
    });
    assert.equal(seen[0]!.headers.get('traceparent'), `00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
    assert.equal(seen[0]!.headers.get('content-type'), 'application/json');
    assert.equal(seen[0]!.body, '{}');
    assert.deepEqual(headers, { 'content-type': 'application/json' });
  });

  it('keeps a Request input whole (method, headers, body) and adds the trace headers to a copy', async () => {
    const request = new Request('https://edge.example/api/cart', { method: 'PUT', headers: { 'x-cart': '7' }, body: 'items' });
    await (await fetch(request)).text();
    const [span] = await ended(1);
    assert.equal(span!.name, 'PUT');
    assert.equal(seen[0]!.headers.get('x-cart'), '7');
    assert.equal(seen[0]!.body, 'items');
    assert.ok(seen[0]!.headers.get('traceparent')?.includes(span!.spanContext().spanId));
    assert.equal(request.headers.has('traceparent'), false);
  });

  it('names a method the conventions do not know HTTP, with _OTHER and the original', async () => {
    await (await fetch('https://edge.example/x', { method: 'PURGE' })).text();
    const [span] = await ended(1);
    assert.equal(span!.name, 'HTTP');
    assert.equal(span!.attributes['http.request.method'], '_OTHER');
    assert.equal(span!.attributes['http.request.method_original'], 'PURGE');
  });

  it('sends trace headers to the page origin, and none to look-alike or other origins, which are still traced', async () => {
    for (const url of ['/api/cart', 'https://edge.example.evil/x', 'https://edge.example:8443/x', 'https://third.example/data'])
      await (await fetch(url)).text();
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
    await context.with(trace.setSpan(context.active(), parent), async () => (await fetch('https://edge.example/x')).text());
    parent.end();
    const [fetchSpan] = (await ended(2)).filter((span) => span.kind === SpanKind.CLIENT);
    assert.equal(fetchSpan!.parentSpanContext?.spanId, parent.spanContext().spanId);
  });

  it('marks HTTP 5xx and network errors ERROR, rethrowing the error unchanged', async () => {
    answer = async () => new Response('', { status: 503 });
    await (await fetch('https://edge.example/fail')).text();
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

  it('never throws where fetch would not: bad headers reject as the browser does, and a response it cannot watch is handed over as it is', async () => {
    const pending = fetch('https://edge.example/bad', { headers: [['bad header', 'x']] });
    assert.ok(pending instanceof Promise);
    await assert.rejects(pending, TypeError);
    const [failed] = await ended(1);
    assert.equal(failed!.attributes['error.type'], 'TypeError');
    exporter.reset();
    const frozen = Object.freeze(new Response('cold'));
    answer = async () => frozen;
    const response = await fetch('https://edge.example/frozen');
    assert.equal(response, frozen);
    assert.equal(await response.text(), 'cold');
    assert.equal((await ended(1)).length, 1);
  });

  it('leaves the trace endpoint untraced, with or without a query', async () => {
    await fetch('https://shop.example/v1/traces', { method: 'POST' });
    await fetch('https://shop.example/v1/traces?sent_at=1700000000000', { method: 'POST' });
    await (await fetch('https://shop.example/v1/traces-archive')).text();
    assert.deepEqual(
      seen.map((request) => request.headers.has('traceparent')),
      [false, false, true],
    );
    await settle();
    assert.deepEqual(
      (await ended(1)).map((span) => span.attributes['url.full']),
      ['https://shop.example/v1/traces-archive'],
    );
  });

  describe('ends the span when the app is done with the body it reads, never reading it itself', () => {
    const form = new URLSearchParams({ a: '1' });
    const paths: Array<[string, () => Response, (response: Response) => Promise<unknown>, unknown]> = [
      ['text', () => new Response('hello'), (r) => r.text(), 'hello'],
      ['json', () => Response.json({ a: 1 }), (r) => r.json(), { a: 1 }],
      ['arrayBuffer', () => new Response('abc'), async (r) => (await r.arrayBuffer()).byteLength, 3],
      ['blob', () => new Response('abcd'), async (r) => (await r.blob()).size, 4],
      ['formData', () => new Response(form), async (r) => (await r.formData()).get('a'), '1'],
      ['bytes', () => new Response('ab'), async (r) => Array.from(await r.bytes()), [97, 98]],
      [
        'a body reader to done',
        () => new Response(chunkedBody(['a', 'b']).stream),
        async (r) => {
          const reader = r.body!.getReader();
          let text = '';
          for (let next = await reader.read(); !next.done; next = await reader.read()) text += new TextDecoder().decode(next.value);
          return text;
        },
        'ab',
      ],
      [
        'async iteration of body',
        () => new Response(chunkedBody(['x', 'y']).stream),
        async (r) => {
          let text = '';
          for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) text += new TextDecoder().decode(chunk);
          return text;
        },
        'xy',
      ],
      [
        'pipeThrough a TextDecoderStream',
        () => new Response('piped'),
        async (r) => new Response(r.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new TextEncoderStream())).text(),
        'piped',
      ],
    ];
    for (const [name, make, consume, expected] of paths) {
      it(name, async () => {
        const response = make();
        const original = response.body;
        answer = async () => response;
        const got = await fetch('https://edge.example/body');
        assert.equal(got, response, 'the app gets the native response object');
        assert.ok(got instanceof Response);
        await settle();
        assert.equal(exporter.getFinishedSpans().length, 0, 'the span stays open while the body is unread');
        assert.equal(original?.locked, false, 'nothing reads the body behind the app');
        const before = performance.now();
        assert.deepEqual(await consume(got), expected);
        const after = performance.now();
        assert.equal(got.bodyUsed, true);
        const [span] = await ended(1);
        assert.equal(span!.attributes['journeytrace.fetch.body'], 'read');
        assert.equal(span!.status.code, SpanStatusCode.UNSET);
        const endMillis = span!.endTime[0] * 1000 + span!.endTime[1] / 1e6 - performance.timeOrigin;
        assert.ok(endMillis >= before - 1 && endMillis <= after + 1, `ends with the body (${endMillis} in ${before}..${after})`);
      });
    }
  });

  it('hands the app the chunks the network cut, one per read, with nothing read ahead', async () => {
    const source = chunkedBody(['one', 'two', 'three', 'four']);
    answer = async () => new Response(source.stream);
    const reader = (await fetch('https://edge.example/stream')).body!.getReader();
    const chunks: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      chunks.push(new TextDecoder().decode((await reader.read()).value));
      await settle();
      assert.equal(source.state.pulls, i + 1, 'the source is pulled only as the app reads');
    }
    assert.deepEqual(chunks, ['one', 'two', 'three', 'four']);
    assert.equal((await reader.read()).done, true);
    assert.equal((await ended(1))[0]!.attributes['journeytrace.fetch.body'], 'read');
  });

  it('serves a BYOB reader', async () => {
    answer = async () => new Response('abcdef');
    const reader = (await fetch('https://edge.example/byob')).body!.getReader({ mode: 'byob' });
    let total = 0;
    for (let next = await reader.read(new Uint8Array(4)); !next.done; next = await reader.read(new Uint8Array(4))) total += next.value.byteLength;
    assert.equal(total, 6);
    assert.equal((await ended(1))[0]!.attributes['journeytrace.fetch.body'], 'read');
  });

  it('passes a cancel through to the network body and ends the span as cancelled', async () => {
    const source = chunkedBody(['a', 'b', 'c']);
    answer = async () => new Response(source.stream);
    const reader = (await fetch('https://edge.example/cancel')).body!.getReader();
    await reader.read();
    await reader.cancel('enough');
    assert.equal(source.state.cancelled, 'enough');
    const [span] = await ended(1);
    assert.equal(span!.attributes['journeytrace.fetch.body'], 'cancelled');
    assert.equal(span!.status.code, SpanStatusCode.UNSET);
  });

  it('cancels an untouched body straight away', async () => {
    const source = chunkedBody(['a']);
    answer = async () => new Response(source.stream);
    await (await fetch('https://edge.example/cancel')).body!.cancel();
    assert.equal(source.state.pulls, 0);
    assert.ok(source.state.cancelled);
    assert.equal((await ended(1))[0]!.attributes['journeytrace.fetch.body'], 'cancelled');
  });

  it('marks a body that fails mid-read ERROR, and the app sees the same failure', async () => {
    answer = async () => new Response(chunkedBody(['a', 'b'], { pulls: 0 }, 1).stream);
    await assert.rejects((await fetch('https://edge.example/broken')).text(), TypeError);
    const [span] = await ended(1);
    assert.equal(span!.attributes['journeytrace.fetch.body'], 'error');
    assert.equal(span!.attributes['error.type'], 'TypeError');
    assert.equal(span!.status.code, SpanStatusCode.ERROR);
  });

  it('ends a body never read after the timeout, at the response, as unread', async () => {
    const started = performance.now();
    await fetch('https://edge.example/ignored');
    const responded = performance.now();
    await settle();
    assert.equal(exporter.getFinishedSpans().length, 0);
    const [span] = await ended(1);
    assert.ok(performance.now() - started >= UNREAD_TIMEOUT_MILLIS);
    assert.equal(span!.attributes['journeytrace.fetch.body'], 'unread');
    const endMillis = span!.endTime[0] * 1000 + span!.endTime[1] / 1e6 - performance.timeOrigin;
    assert.ok(endMillis <= responded + 1, 'the span ends at the response, not at the timeout');
  });

  it('ends a response without a body at once', async () => {
    answer = async () => new Response(null, { status: 204 });
    await fetch('https://edge.example/empty', { method: 'DELETE' });
    const [span] = await ended(1);
    assert.equal(span!.attributes['journeytrace.fetch.body'], 'none');
    assert.equal(span!.attributes['http.response.status_code'], 204);
  });

  it('ends on the first of a response and its clone to be read; both stay readable', async () => {
    answer = async () => new Response('shared');
    const response = await fetch('https://edge.example/clone');
    const copy = response.clone();
    assert.equal(await copy.text(), 'shared');
    assert.equal(await response.text(), 'shared');
    const spans = await ended(1);
    await settle();
    assert.equal(spans.length, 1);
  });

  it('still lets the app call json() after looking at body', async () => {
    answer = async () => Response.json({ ok: true });
    const response = await fetch('https://edge.example/look');
    assert.ok(response.body);
    assert.deepEqual(await response.json(), { ok: true });
    assert.equal((await ended(1))[0]!.attributes['journeytrace.fetch.body'], 'read');
  });

  it('ends bodies still being read as pending on flush (page hide)', async () => {
    answer = async () => new Response(chunkedBody(['a', 'b']).stream);
    const reader = (await fetch('https://edge.example/long')).body!.getReader();
    await reader.read();
    instrumentation.flush();
    const [span] = await ended(1);
    assert.equal(span!.attributes['journeytrace.fetch.body'], 'pending');
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'b', 'the app reads on undisturbed');
  });

  it('propagates an unsampled context and leaves its response untouched', async () => {
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
    });
    const response = await context.with(unsampled, () => fetch('https://edge.example/unsampled'));
    // The test provider samples by parent: an unsampled parent gives a non-recording span.
    assert.equal(Object.getPrototypeOf(response), Response.prototype);
    assert.match(seen[0]!.headers.get('traceparent')!, /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    await settle();
    assert.equal(exporter.getFinishedSpans().length, 0);
  });
});

describe('fetchSpans.disable', () => {
  it('puts the page fetch back, ending what is open', async () => {
    const page = globalThis as { fetch: typeof fetch };
    const realFetch = page.fetch;
    const stub = async () => new Response('ok');
    page.fetch = stub;
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    try {
      const instrumentation = fetchSpans({
        tracer: provider.getTracer('t'),
        propagateTo: [],
        tracesUrl: 'https://x.example/v1/traces',
        resourceTimingWaitMillis: 1,
      });
      assert.notEqual(page.fetch, stub);
      await fetch('https://x.example/a');
      instrumentation.disable();
      assert.equal(page.fetch, stub);
      assert.equal(exporter.getFinishedSpans()[0]?.attributes['journeytrace.fetch.body'], 'pending');
    } finally {
      page.fetch = realFetch;
    }
  });
});
