import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, propagation, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { FeatureHost } from '../core.js';
import { onXhr } from './xhrSpans.js';

/** Stands in for the browser's XMLHttpRequest: records headers, answers with `outcome` after send. */
class FakeXhr extends EventTarget {
  static outcome: { status: number; event: 'load' | 'error' | 'timeout' } = { status: 200, event: 'load' };
  static sent: Array<{ url: string; headers: Record<string, string> }> = [];
  status = 0;
  private _url = '';
  private _headers: Record<string, string> = {};
  open(_method: string, url: string | URL): void {
    this._url = String(url);
  }
  setRequestHeader(name: string, value: string): void {
    this._headers[name] = value;
  }
  send(): void {
    FakeXhr.sent.push({ url: this._url, headers: this._headers });
    setTimeout(() => {
      this.status = FakeXhr.outcome.status;
      this.dispatchEvent(new Event(FakeXhr.outcome.event));
      this.dispatchEvent(new Event('loadend'));
    }, 0);
  }
}

describe('xhr() spans (the SDK wrapper of open and send)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const page = globalThis as { location?: unknown; XMLHttpRequest?: unknown };
  const originalOpen = FakeXhr.prototype.open;
  let stop: () => void;

  const request = (method: string, url: string) =>
    new Promise<void>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.addEventListener('loadend', () => setTimeout(resolve, 0));
      xhr.open(method, url);
      xhr.send();
    });

  before(() => {
    page.location = new URL('https://shop.example/checkout');
    page.XMLHttpRequest = FakeXhr;
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const host = {
      tracer: provider.getTracer('t'),
      tracerProvider: provider,
      propagateTo: [/^https:\/\/edge\.example(?:\/|$)/],
      pageContext: undefined as Context | undefined,
    } as unknown as FeatureHost;
    stop = onXhr(host);
  });
  after(() => {
    stop();
    delete page.location;
    delete page.XMLHttpRequest;
    propagation.disable();
  });
  beforeEach(() => {
    exporter.reset();
    FakeXhr.sent = [];
    FakeXhr.outcome = { status: 200, event: 'load' };
  });

  it('makes a CLIENT span on the stable HTTP conventions, and sends traceparent to its own origin and propagateTo only', async () => {
    await request('post', '/api/cart');
    await request('GET', 'https://edge.example/api');
    await request('GET', 'https://third.example/pixel');
    const [own, edge, third] = exporter.getFinishedSpans();
    assert.equal(own!.kind, SpanKind.CLIENT);
    assert.equal(own!.name, 'POST');
    assert.deepEqual(own!.attributes, {
      'http.request.method': 'POST',
      'url.full': 'https://shop.example/api/cart',
      'server.address': 'shop.example',
      'server.port': 443,
      'http.response.status_code': 200,
    });
    assert.equal(own!.status.code, SpanStatusCode.UNSET);
    assert.equal(FakeXhr.sent[0]!.headers.traceparent, `00-${own!.spanContext().traceId}-${own!.spanContext().spanId}-01`);
    assert.equal(FakeXhr.sent[1]!.headers.traceparent, `00-${edge!.spanContext().traceId}-${edge!.spanContext().spanId}-01`);
    assert.deepEqual(FakeXhr.sent[2]!.headers, {}, 'a third party gets no trace headers');
    assert.equal(third!.attributes['url.full'], 'https://third.example/pixel', 'it is still traced');
  });

  it('marks HTTP >= 400, network errors and timeouts ERROR with error.type', async () => {
    FakeXhr.outcome = { status: 503, event: 'load' };
    await request('GET', '/a');
    FakeXhr.outcome = { status: 0, event: 'error' };
    await request('GET', '/b');
    FakeXhr.outcome = { status: 0, event: 'timeout' };
    await request('GET', '/c');
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(
      spans.map((span) => [span.status.code, span.attributes['error.type'], span.attributes['http.response.status_code']]),
      [
        [SpanStatusCode.ERROR, '503', 503],
        [SpanStatusCode.ERROR, 'error', undefined],
        [SpanStatusCode.ERROR, 'timeout', undefined],
      ],
    );
  });

  it('puts open and send back when stopped', () => {
    assert.notEqual(FakeXhr.prototype.open, originalOpen);
    stop();
    assert.equal(FakeXhr.prototype.open, originalOpen);
    stop = () => {};
  });
});
