import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { ExportFailure } from '@journeytrace/contract';
import { fetchAnswering, matchesRetryAfter, RETRY_CASES } from '@journeytrace/contract/retry-cases';
import { OTLPFetchSpanExporter } from './OTLPFetchSpanExporter.js';

function someSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] });
  provider.getTracer('test').startSpan('one').end();
  return memory.getFinishedSpans();
}

function exportOnce(exporter: OTLPFetchSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('OTLPFetchSpanExporter', () => {
  const received: Array<{ headers: IncomingMessage['headers']; bytes: number; atMillis: number }> = [];
  let status = 200;
  /** Answers to the next requests, in order (then `status`). */
  let script: Array<{ status: number; headers?: Record<string, string> }> = [];
  const server = createServer((request, response) => {
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      received.push({ headers: request.headers, bytes, atMillis: Date.now() });
      const next = script.shift() ?? { status };
      response.writeHead(next.status, next.headers).end();
    });
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  });
  after(() => server.close());

  it('posts OTLP protobuf with the configured headers', async () => {
    status = 200;
    const result = await exportOnce(new OTLPFetchSpanExporter({ url, headers: { authorization: 'Bearer t' } }), someSpans());
    assert.equal(result.code, ExportResultCode.SUCCESS);
    const last = received.at(-1)!;
    assert.equal(last.headers['content-type'], 'application/x-protobuf');
    assert.equal(last.headers.authorization, 'Bearer t');
    assert.ok(last.bytes > 20);
  });

  it('makes one attempt on a collector error and reports it, without throwing or waiting', async () => {
    status = 503;
    received.length = 0;
    const result = await exportOnce(new OTLPFetchSpanExporter({ url }), someSpans());
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.ok(result.error instanceof ExportFailure);
    assert.equal(result.error.retryable, true);
    assert.equal(result.error.status, 503);
    assert.equal(received.length, 1, 'one attempt: retrying is the span processor’s job');
  });

  it('reports the collector’s Retry-After, fractions included', async () => {
    received.length = 0;
    script = [{ status: 429, headers: { 'retry-after': '1.5' } }];
    const result = await exportOnce(new OTLPFetchSpanExporter({ url }), someSpans());
    assert.ok(result.error instanceof ExportFailure);
    assert.equal(result.error.retryAfterMillis, 1500);
    assert.equal(received.length, 1);
  });

  it('reports an unreachable collector as retryable', async () => {
    const result = await exportOnce(new OTLPFetchSpanExporter({ url: 'http://127.0.0.1:9/v1/traces' }), someSpans());
    assert.ok(result.error instanceof ExportFailure);
    assert.equal(result.error.retryable, true);
  });

  for (const retryCase of RETRY_CASES) {
    it(`follows the contract: ${retryCase.name}`, async () => {
      const exporter = new OTLPFetchSpanExporter({ url: 'http://collector.test/v1/traces', fetch: fetchAnswering(retryCase) });
      const result = await exportOnce(exporter, someSpans());
      assert.equal(result.code, ExportResultCode.FAILED);
      assert.ok(result.error instanceof ExportFailure);
      assert.equal(result.error.retryable, retryCase.retry);
      assert.ok(matchesRetryAfter(retryCase, result.error.retryAfterMillis), `Retry-After ${result.error.retryAfterMillis}`);
    });
  }
});
