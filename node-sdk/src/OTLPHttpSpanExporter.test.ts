import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { ExportFailure } from '@journeytrace/contract';
import { fetchAnswering, matchesRetryAfter, RETRY_CASES } from '@journeytrace/contract/retry-cases';
import { OTLPHttpSpanExporter } from './OTLPHttpSpanExporter.js';
import { RetryingSpanExporter } from './RetryingSpanExporter.js';

function someSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  provider.getTracer('test').startSpan('one').end();
  return memory.getFinishedSpans();
}

const exportOnce = (exporter: { export: OTLPHttpSpanExporter['export'] }, spans: ReadableSpan[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));

describe('OTLPHttpSpanExporter', () => {
  const received: Array<IncomingMessage['headers']> = [];
  let answer = { status: 200, headers: {} as Record<string, string> };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received.push(request.headers);
      response.writeHead(answer.status, answer.headers).end();
    });
  });
  let base = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('posts OTLP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces with OTEL_EXPORTER_OTLP_HEADERS', async () => {
    answer = { status: 200, headers: {} };
    const exporter = new OTLPHttpSpanExporter({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/`, OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20t' } });
    assert.equal((await exportOnce(exporter, someSpans())).code, ExportResultCode.SUCCESS);
    assert.equal(received.at(-1)?.['content-type'], 'application/x-protobuf');
    assert.equal(received.at(-1)?.authorization, 'Bearer t');
  });

  it('makes one attempt and reports what the collector said, Retry-After included', async () => {
    answer = { status: 503, headers: { 'retry-after': '1.5' } };
    received.length = 0;
    const result = await exportOnce(new OTLPHttpSpanExporter({ url: `${base}/v1/traces`, env: {} }), someSpans());
    assert.equal(received.length, 1);
    assert.ok(result.error instanceof ExportFailure);
    assert.equal(result.error.retryable, true);
    assert.equal(result.error.retryAfterMillis, 1500);
  });

  for (const retryCase of RETRY_CASES) {
    it(`follows the contract: ${retryCase.name}`, async () => {
      const exporter = new OTLPHttpSpanExporter({ url: 'http://collector.test/v1/traces', fetch: fetchAnswering(retryCase), env: {} });
      const result = await exportOnce(exporter, someSpans());
      assert.ok(result.error instanceof ExportFailure);
      assert.equal(result.error.retryable, retryCase.retry);
      assert.ok(matchesRetryAfter(retryCase, result.error.retryAfterMillis), `Retry-After ${result.error.retryAfterMillis}`);
    });
  }
});

describe('RetryingSpanExporter with the Node exporter, against the contract’s retry cases', () => {
  for (const retryCase of RETRY_CASES) {
    it(`${retryCase.retry ? 'holds the spans and tries again' : 'drops and reports the spans'}: ${retryCase.name}`, async () => {
      let requests = 0;
      const failing = fetchAnswering(retryCase);
      // The first request gets the case's answer, the next ones 200: a retry shows as a second request.
      const fetch: typeof globalThis.fetch = (input, init) => (++requests === 1 ? failing(input, init) : Promise.resolve(new Response(null, { status: 200 })));
      const exporter = new RetryingSpanExporter(new OTLPHttpSpanExporter({ url: 'http://collector.test/v1/traces', fetch, env: {} }), {
        // Backoff short, Retry-After honoured as asked: the cases asking for a wait are checked by their first try only.
        retryPolicy: { initialBackoffMillis: 1, maxBackoffMillis: 1 },
        shutdownTimeoutMillis: 0,
        env: {},
      });
      await exportOnce(exporter, someSpans());
      const deadline = Date.now() + 300;
      while (requests < 2 && exporter.droppedSpans === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      if (retryCase.retry) {
        assert.equal(exporter.droppedSpans, 0);
        if (!retryCase.retryAfterMillis || retryCase.retryAfterMillis[1] < 300) assert.equal(requests, 2, 'tried again');
        else assert.equal(requests, 1, 'waits as long as the collector asked');
      } else {
        assert.equal(exporter.droppedSpans, 1);
        assert.equal(requests, 1, 'no second try');
      }
      await exporter.shutdown();
    });
  }
});
