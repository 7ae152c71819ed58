import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { OTLPFetchSpanExporter } from './OTLPFetchSpanExporter.js';

function someSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider.getTracer('test').startSpan('one').end();
  return memory.getFinishedSpans();
}

function exportOnce(exporter: OTLPFetchSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('OTLPFetchSpanExporter', () => {
  const received: Array<{ headers: IncomingMessage['headers']; bytes: number }> = [];
  let status = 200;
  const server = createServer((request, response) => {
    let bytes = 0;
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      received.push({ headers: request.headers, bytes });
      response.writeHead(status).end();
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

  it('reports a collector error as a failed export, without throwing', async () => {
    status = 503;
    const result = await exportOnce(new OTLPFetchSpanExporter({ url }), someSpans());
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(String(result.error?.message), /503/);
  });

  it('reports an unreachable collector as a failed export, and flushes', async () => {
    const exporter = new OTLPFetchSpanExporter({ url: 'http://127.0.0.1:9/v1/traces', timeoutMillis: 2000 });
    const result = await exportOnce(exporter, someSpans());
    assert.equal(result.code, ExportResultCode.FAILED);
    await exporter.forceFlush();
  });
});
