import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { context, diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, isTracingSuppressed, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { DEFAULT_RETRY_QUEUE_SIZE, RETRY_QUEUE_SIZE_ENV, RetryingSpanExporter } from './RetryingSpanExporter.js';

/** A collector stand-in: up or down, or refusing with an HTTP status; records what it accepted. */
class FakeCollector implements SpanExporter {
  up = true;
  refuseWith: number | undefined;
  received: string[] = [];
  requests: number[] = [];
  attempts = 0;
  suppressed: boolean[] = [];
  shutDown = false;

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.attempts += 1;
    this.suppressed.push(isTracingSuppressed(context.active()));
    setTimeout(() => {
      if (this.refuseWith !== undefined) {
        done({ code: ExportResultCode.FAILED, error: Object.assign(new Error('Bad Request'), { code: this.refuseWith }) });
      } else if (!this.up) {
        done({ code: ExportResultCode.FAILED, error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), { code: 'ECONNREFUSED' }) });
      } else {
        this.requests.push(spans.length);
        this.received.push(...spans.map((span) => span.name));
        done({ code: ExportResultCode.SUCCESS });
      }
    }, 1);
  }

  async shutdown(): Promise<void> {
    this.shutDown = true;
  }
}

const spans = (...names: string[]) => names.map((name) => ({ name }) as unknown as ReadableSpan);
const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => `s${from + index}`);
const fast = { retryPolicy: { initialBackoffMillis: 5, maxBackoffMillis: 20 }, env: {} };

function exportNow(exporter: RetryingSpanExporter, batch: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(batch, resolve));
}

async function until(check: () => boolean, timeoutMillis = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let warnings: string[];
beforeEach(() => {
  warnings = [];
  const logger: DiagLogger = {
    error: () => {},
    warn: (message) => void warnings.push(message),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, DiagLogLevel.WARN);
});
afterEach(() => diag.disable());

describe('RetryingSpanExporter', () => {
  it('passes batches through while the collector is up', async () => {
    const collector = new FakeCollector();
    const exporter = new RetryingSpanExporter(collector, fast);
    assert.equal((await exportNow(exporter, spans('a', 'b'))).code, ExportResultCode.SUCCESS);
    await until(() => collector.received.length === 2);
    assert.deepEqual(collector.received, ['a', 'b']);
    assert.equal(exporter.queuedSpans, 0);
    assert.equal(exporter.droppedSpans, 0);
  });

  it('holds spans while the collector is down and delivers them in order once it is back', async () => {
    const collector = new FakeCollector();
    collector.up = false;
    const exporter = new RetryingSpanExporter(collector, fast);
    for (let batch = 0; batch < 5; batch += 1) {
      // Custody is taken at once: the batch processor in front never stalls.
      assert.equal((await exportNow(exporter, spans(...range(batch * 3, 3)))).code, ExportResultCode.SUCCESS);
    }
    await until(() => collector.attempts >= 3);
    assert.equal(exporter.queuedSpans, 15);
    assert.deepEqual(collector.received, []);
    collector.up = true;
    await until(() => collector.received.length === 15);
    assert.deepEqual(collector.received, range(0, 15));
    assert.equal(exporter.queuedSpans, 0);
    assert.equal(exporter.droppedSpans, 0);
    assert.equal(warnings.filter((warning) => /holding spans and retrying/.test(warning)).length, 1, 'one warning per outage');
    assert.ok(!warnings.some((warning) => /dropped/.test(warning)));
  });

  it('merges held batches into requests of at most maxExportBatchSize spans', async () => {
    const collector = new FakeCollector();
    collector.up = false;
    const exporter = new RetryingSpanExporter(collector, { ...fast, maxExportBatchSize: 4 });
    for (let batch = 0; batch < 5; batch += 1) await exportNow(exporter, spans(...range(batch * 2, 2)));
    await until(() => collector.attempts >= 2);
    collector.up = true;
    await until(() => collector.received.length === 10);
    assert.deepEqual(collector.requests, [4, 4, 2]);
  });

  it('drops what exceeds the bound, counts it and reports it once with the total', async () => {
    const collector = new FakeCollector();
    collector.up = false;
    const exporter = new RetryingSpanExporter(collector, { ...fast, maxQueueSize: 5 });
    assert.equal((await exportNow(exporter, spans(...range(0, 4)))).code, ExportResultCode.SUCCESS);
    const overflow = await exportNow(exporter, spans(...range(4, 4)));
    assert.equal(overflow.code, ExportResultCode.FAILED);
    assert.equal((await exportNow(exporter, spans('late'))).code, ExportResultCode.FAILED);
    assert.equal(exporter.droppedSpans, 4);
    assert.equal(exporter.queuedSpans, 5);
    collector.up = true;
    await until(() => collector.received.length === 5);
    assert.deepEqual(collector.received, range(0, 5), 'the oldest spans are kept');
    await until(() => warnings.some((warning) => /dropped/.test(warning)));
    const report = warnings.filter((warning) => /dropped/.test(warning));
    assert.equal(report.length, 1);
    assert.match(report[0]!, /dropped 4 spans \(the retry queue is full \(5 spans, OTEL_EXPORTER_OTLP_RETRY_MAX_QUEUE_SIZE\)\); 4 dropped so far/);
  });

  it('drops a batch the collector refuses for good (4xx) instead of retrying it', async () => {
    const collector = new FakeCollector();
    collector.refuseWith = 400;
    const exporter = new RetryingSpanExporter(collector, fast);
    await exportNow(exporter, spans('bad'));
    await until(() => exporter.droppedSpans === 1);
    assert.equal(collector.attempts, 1);
    collector.refuseWith = undefined;
    await exportNow(exporter, spans('good'));
    await until(() => collector.received.length === 1);
    assert.deepEqual(collector.received, ['good']);
    await exporter.shutdown();
    assert.ok(warnings.some((warning) => /dropped 1 spans \(the collector refused them \(Bad Request \(400\)\)\); 1 dropped so far/.test(warning)));
  });

  it('retries 429 and 5xx-like failures (network errors, timeouts) rather than dropping', async () => {
    const collector = new FakeCollector();
    collector.refuseWith = 429;
    const exporter = new RetryingSpanExporter(collector, fast);
    await exportNow(exporter, spans('throttled'));
    await until(() => collector.attempts >= 3);
    collector.refuseWith = undefined;
    await until(() => collector.received.length === 1);
    assert.equal(exporter.droppedSpans, 0);
  });

  it('shutdown keeps trying and delivers what is held when the collector comes back in time', async () => {
    const collector = new FakeCollector();
    collector.up = false;
    const exporter = new RetryingSpanExporter(collector, { ...fast, shutdownTimeoutMillis: 2000 });
    await exportNow(exporter, spans('a', 'b', 'c'));
    setTimeout(() => (collector.up = true), 100);
    await exporter.shutdown();
    assert.deepEqual(collector.received, ['a', 'b', 'c']);
    assert.equal(exporter.droppedSpans, 0);
    assert.ok(collector.shutDown);
  });

  it('shutdown gives up after its timeout, and counts and reports what it leaves', async () => {
    const collector = new FakeCollector();
    collector.up = false;
    const exporter = new RetryingSpanExporter(collector, { ...fast, shutdownTimeoutMillis: 100 });
    await exportNow(exporter, spans('a', 'b'));
    const started = Date.now();
    await exporter.shutdown();
    assert.ok(Date.now() - started < 1000);
    assert.equal(exporter.droppedSpans, 2);
    assert.ok(warnings.some((warning) => /dropped 2 spans \(still undelivered at shutdown\); 2 dropped so far/.test(warning)));
    assert.equal((await exportNow(exporter, spans('after'))).code, ExportResultCode.FAILED);
  });

  it('forceFlush sends what is held now, without waiting out the backoff', async () => {
    const collector = new FakeCollector();
    collector.up = false;
    const exporter = new RetryingSpanExporter(collector, { retryPolicy: { initialBackoffMillis: 60_000, maxBackoffMillis: 60_000 }, env: {} });
    await exportNow(exporter, spans('a'));
    await until(() => collector.attempts === 1 && exporter.queuedSpans === 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    collector.up = true;
    await exporter.forceFlush();
    assert.deepEqual(collector.received, ['a']);
    await exporter.shutdown();
  });

  it('never traces its own export requests', async (t) => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    t.after(() => context.disable());
    const collector = new FakeCollector();
    collector.up = false;
    const exporter = new RetryingSpanExporter(collector, fast);
    await exportNow(exporter, spans('a'));
    await until(() => collector.attempts >= 2);
    collector.up = true;
    await until(() => collector.received.length === 1);
    assert.ok(collector.suppressed.length >= 2);
    assert.ok(collector.suppressed.every(Boolean), 'every attempt, retries included, runs with tracing suppressed');
  });

  it(`reads its bound from ${RETRY_QUEUE_SIZE_ENV}; a bad value is reported and the default used`, async () => {
    const collector = new FakeCollector();
    collector.up = false;
    const bounded = new RetryingSpanExporter(collector, { ...fast, env: { [RETRY_QUEUE_SIZE_ENV]: '2' } });
    await exportNow(bounded, spans('a', 'b', 'c'));
    assert.equal(bounded.droppedSpans, 1);
    const fallback = new RetryingSpanExporter(collector, { ...fast, env: { [RETRY_QUEUE_SIZE_ENV]: 'lots' } });
    assert.ok(warnings.some((warning) => warning.includes(`${RETRY_QUEUE_SIZE_ENV}="lots" is not valid; using ${DEFAULT_RETRY_QUEUE_SIZE}`)));
    await exportNow(fallback, spans(...range(0, 100)));
    assert.equal(fallback.droppedSpans, 0);
    collector.up = true;
    await Promise.all([bounded.shutdown(), fallback.shutdown()]);
  });
});
