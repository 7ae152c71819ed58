import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
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
  const fast = { initialBackoffMillis: 10, maxBackoffMillis: 40 };
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

  it('reports a collector error as a failed export after its attempts, without throwing', async () => {
    status = 503;
    received.length = 0;
    const exporter = new OTLPFetchSpanExporter({ url, maxAttempts: 3, ...fast });
    const result = await exportOnce(exporter, someSpans());
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(String(result.error?.message), /503 after 3 attempts/);
    assert.equal(received.length, 3);
    assert.equal(exporter.droppedSpans, 1);
  });

  it('retries 429 and 5xx until the collector takes the spans', async () => {
    status = 200;
    received.length = 0;
    script = [{ status: 429 }, { status: 502 }];
    const exporter = new OTLPFetchSpanExporter({ url, ...fast });
    assert.equal((await exportOnce(exporter, someSpans())).code, ExportResultCode.SUCCESS);
    assert.equal(received.length, 3);
    assert.equal(exporter.droppedSpans, 0);
  });

  it('does not retry what waiting cannot fix (400)', async () => {
    received.length = 0;
    script = [{ status: 400 }];
    const exporter = new OTLPFetchSpanExporter({ url, ...fast });
    assert.equal((await exportOnce(exporter, someSpans())).code, ExportResultCode.FAILED);
    assert.equal(received.length, 1);
    assert.equal(exporter.droppedSpans, 1);
  });

  it('honours Retry-After within the budget', async () => {
    received.length = 0;
    script = [{ status: 429, headers: { 'retry-after': '1' } }];
    const exporter = new OTLPFetchSpanExporter({ url, ...fast });
    assert.equal((await exportOnce(exporter, someSpans())).code, ExportResultCode.SUCCESS);
    assert.equal(received.length, 2);
    assert.ok(received[1]!.atMillis - received[0]!.atMillis >= 950, 'waited about a second');
  });

  it('gives up at once when Retry-After does not fit the budget, and counts the drop', async () => {
    received.length = 0;
    script = [{ status: 503, headers: { 'retry-after': '60' } }];
    const exporter = new OTLPFetchSpanExporter({ url, retryBudgetMillis: 2000, ...fast });
    const started = Date.now();
    const result = await exportOnce(exporter, someSpans());
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.match(String(result.error?.message), /budget/);
    assert.ok(Date.now() - started < 1000, 'no waiting for a retry that cannot happen');
    assert.equal(received.length, 1);
    assert.equal(exporter.droppedSpans, 1);
  });

  it('retries an unreachable collector within the time budget, then drops and flushes', async () => {
    const exporter = new OTLPFetchSpanExporter({ url: 'http://127.0.0.1:9/v1/traces', maxAttempts: 100, retryBudgetMillis: 500, ...fast });
    const started = Date.now();
    const result = await exportOnce(exporter, someSpans());
    assert.equal(result.code, ExportResultCode.FAILED);
    assert.ok(Date.now() - started < 1500, `bounded by the budget (${Date.now() - started} ms)`);
    assert.equal(exporter.droppedSpans, 1);
    await exporter.forceFlush();
  });
});
