import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { EdgeBatchSpanProcessor, type DropReport, type EdgeBatchSpanProcessorOptions } from './EdgeBatchSpanProcessor.js';
import { ExportFailure } from '@journeytrace/contract';
import { fetchAnswering, RETRY_CASES } from '@journeytrace/contract/retry-cases';
import { OTLPFetchSpanExporter } from './OTLPFetchSpanExporter.js';

/** An exporter whose answers the test scripts: each call takes the next answer (then `fallback`). */
class ScriptedExporter implements SpanExporter {
  readonly exports: string[][] = [];
  attempts = 0;
  script: ExportResult[] = [];
  fallback: ExportResult = { code: ExportResultCode.SUCCESS };

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.attempts += 1;
    const result = this.script.shift() ?? this.fallback;
    if (result.code === ExportResultCode.SUCCESS) this.exports.push(spans.map((span) => span.name));
    queueMicrotask(() => done(result));
  }

  async shutdown(): Promise<void> {}

  get delivered(): string[] {
    return this.exports.flat();
  }
}

const down = (retryAfterMillis?: number): ExportResult => ({
  code: ExportResultCode.FAILED,
  error: new ExportFailure('connect ECONNREFUSED', true, retryAfterMillis),
});
const refused: ExportResult = { code: ExportResultCode.FAILED, error: new ExportFailure('collector answered 400', false, undefined, 400) };

function setup(options: EdgeBatchSpanProcessorOptions, exporter: SpanExporter = new ScriptedExporter()) {
  const drops: DropReport[] = [];
  const processor = new EdgeBatchSpanProcessor(exporter, {
    initialBackoffMillis: 20,
    maxBackoffMillis: 40,
    idleDelayMillis: 0,
    ...options,
    onDrop: (report) => drops.push(report),
  });
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('test');
  const end = (...names: string[]) => {
    for (const name of names) tracer.startSpan(name).end();
  };
  return { processor, end, drops, exporter: exporter as ScriptedExporter };
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

describe('EdgeBatchSpanProcessor', () => {
  it('never sends a batch twice at once: a request ending while forceFlush sends it waits for that send', async () => {
    // An exporter that answers late, so the request below ends while the flush's send is under way.
    const exporter = new ScriptedExporter();
    const slow: SpanExporter = {
      export: (spans, done) => void setTimeout(() => exporter.export(spans, done), 30),
      shutdown: async () => {},
    };
    const { processor, end } = setup({ scheduledDelayMillis: 60_000 }, slow);
    end('a');
    const flushing = processor.forceFlush();
    processor.requestStarted();
    await Promise.all([flushing, processor.requestEnded()]);
    assert.deepEqual(exporter.exports, [['a']]);
    assert.equal(processor.queuedSpans, 0);
  });

  it('sends the spans of overlapping requests in one export, when the last of them ends', async () => {
    const { processor, end, exporter } = setup({ scheduledDelayMillis: 60_000 });
    processor.requestStarted();
    processor.requestStarted();
    processor.requestStarted();
    end('a1', 'a2');
    await processor.requestEnded();
    end('b1', 'b2');
    await processor.requestEnded();
    assert.equal(exporter.attempts, 0, 'others still in flight: nothing is due');
    end('c1', 'c2');
    await processor.requestEnded();
    assert.deepEqual(exporter.exports, [['a1', 'a2', 'b1', 'b2', 'c1', 'c2']]);
    assert.equal(processor.queuedSpans, 0);
  });

  it('waits idleDelayMillis after the isolate goes idle: a request that follows closely shares the export', async () => {
    const { processor, end, exporter } = setup({ scheduledDelayMillis: 60_000, idleDelayMillis: 60 });
    processor.requestStarted();
    end('a');
    const started = Date.now();
    const idle = processor.requestEnded(); // the isolate is idle: due in 60 ms
    await sleep(20);
    processor.requestStarted(); // busy again before then
    end('b');
    await sleep(60);
    assert.equal(exporter.attempts, 0, 'not idle for 60 ms yet');
    const last = processor.requestEnded();
    await Promise.all([idle, last]);
    assert.deepEqual(exporter.exports, [['a', 'b']]);
    assert.ok(Date.now() - started >= 135, `sent 60 ms after the last request ended (${Date.now() - started} ms)`);
  });

  it('sends at once when the buffer holds a full batch', async () => {
    const { processor, end, exporter } = setup({ scheduledDelayMillis: 60_000, maxExportBatchSize: 4, flushWhenIdle: false });
    processor.requestStarted();
    end('1', '2', '3');
    await processor.flushWhenDue();
    // Not due: it would wait a minute, so only look that nothing went yet.
    assert.equal(exporter.attempts, 0);
    end('4', '5');
    await processor.flushWhenDue();
    assert.deepEqual(exporter.exports, [['1', '2', '3', '4'], ['5']], 'in batches of maxExportBatchSize');
  });

  it('the request that finds the buffer not due holds its waitUntil until the scheduled send; later ones do not wait', async () => {
    const { processor, end, exporter } = setup({ scheduledDelayMillis: 80, flushWhenIdle: false });
    processor.requestStarted();
    processor.requestStarted();
    end('first');
    const started = Date.now();
    const holding = processor.requestEnded();
    end('second');
    const second = Date.now();
    await processor.requestEnded();
    assert.ok(Date.now() - second < 40, 'the second request does not wait');
    assert.equal(exporter.attempts, 0);
    await holding;
    assert.ok(Date.now() - started >= 75, `held until the buffer was due (${Date.now() - started} ms)`);
    assert.deepEqual(exporter.exports, [['first', 'second']]);
  });

  it('keeps failed batches in the isolate past the failing request, and sends them in order after recovery', async () => {
    const { processor, end, exporter, drops } = setup({ maxWaitMillis: 50 });
    exporter.fallback = down();
    processor.requestStarted();
    end('a');
    await processor.requestEnded(); // retries for up to 50 ms, then leaves the batch held
    assert.ok(exporter.attempts >= 2, `retried with backoff (${exporter.attempts} attempts)`);
    assert.equal(processor.queuedSpans, 1);
    processor.requestStarted();
    end('b');
    await processor.requestEnded();
    assert.equal(processor.queuedSpans, 2);
    assert.deepEqual(exporter.delivered, []);

    exporter.fallback = { code: ExportResultCode.SUCCESS };
    await sleep(50); // past the backoff
    processor.requestStarted();
    end('c');
    await processor.requestEnded();
    assert.deepEqual(exporter.delivered, ['a', 'b', 'c']);
    assert.equal(processor.queuedSpans, 0);
    assert.equal(processor.droppedSpans, 0);
    assert.deepEqual(drops, []);
  });

  it('does not send while backing off: requests during an outage add to the queue without an attempt each', async () => {
    const { processor, end, exporter } = setup({ maxWaitMillis: 0, initialBackoffMillis: 10_000, maxBackoffMillis: 10_000 });
    exporter.fallback = down();
    for (let i = 0; i < 20; i += 1) {
      processor.requestStarted();
      end(`s${i}`);
      await processor.requestEnded();
    }
    assert.equal(exporter.attempts, 1);
    assert.equal(processor.queuedSpans, 20);
    exporter.fallback = { code: ExportResultCode.SUCCESS };
    await processor.forceFlush();
    assert.equal(exporter.delivered.length, 20);
  });

  it('bounds the spans it holds and counts and reports what does not fit', async () => {
    const { processor, end, exporter, drops } = setup({ maxQueueSize: 5, maxExportBatchSize: 5, maxWaitMillis: 0, initialBackoffMillis: 10_000 });
    exporter.fallback = down();
    processor.requestStarted();
    end('1', '2', '3', '4', '5', '6', '7', '8');
    await processor.requestEnded();
    assert.equal(processor.queuedSpans, 5);
    assert.equal(processor.droppedSpans, 3);
    assert.equal(drops.length, 1, 'one report per flush, not one per span');
    assert.equal(drops[0]!.droppedSpans, 3);
    assert.equal(drops[0]!.droppedSpansTotal, 3);
    assert.match(drops[0]!.reason, /queue is full \(5 spans/);
    exporter.fallback = { code: ExportResultCode.SUCCESS };
    await processor.forceFlush();
    assert.deepEqual(exporter.delivered, ['1', '2', '3', '4', '5'], 'the oldest are kept');
  });

  it('reports drops at most once a second, and every dropped span in some report', async () => {
    const { processor, end, exporter, drops } = setup({ maxQueueSize: 2, maxExportBatchSize: 2, maxWaitMillis: 0, initialBackoffMillis: 10_000 });
    exporter.fallback = down();
    for (let i = 0; i < 50; i += 1) {
      processor.requestStarted();
      end(`s${i}`);
      await processor.requestEnded();
    }
    assert.equal(processor.droppedSpans, 48);
    assert.equal(drops.length, 1, 'one report in the first second, not one per request');
    await processor.forceFlush();
    assert.equal(
      drops.reduce((sum, report) => sum + report.droppedSpans, 0),
      48,
    );
    assert.equal(drops.at(-1)!.droppedSpansTotal, 48);
  });

  it('bounds the bytes awaiting retry: the newest batch goes first', async () => {
    const { processor, end, exporter, drops } = setup({ maxExportBatchSize: 2, maxQueueBytes: 250, maxWaitMillis: 0, initialBackoffMillis: 1 });
    exporter.fallback = down();
    for (const names of [
      ['a1', 'a2'],
      ['b1', 'b2'],
      ['c1', 'c2'],
    ]) {
      processor.requestStarted();
      end(...names);
      await processor.requestEnded();
      await sleep(5);
    }
    assert.ok(processor.droppedSpans >= 2, `dropped ${processor.droppedSpans}`);
    assert.match(drops.at(-1)!.reason, /over 250 bytes/);
    exporter.fallback = { code: ExportResultCode.SUCCESS };
    await processor.forceFlush();
    assert.deepEqual(exporter.delivered.slice(0, 2), ['a1', 'a2'], 'the oldest batch survives');
    assert.equal(exporter.delivered.length + processor.droppedSpans, 6, 'every span delivered or counted');
  });

  it('drops what the collector refuses (4xx) without retrying it, and counts it', async () => {
    const { processor, end, exporter, drops } = setup({});
    exporter.script = [refused];
    processor.requestStarted();
    end('bad');
    await processor.requestEnded();
    assert.equal(exporter.attempts, 1);
    assert.equal(processor.droppedSpans, 1);
    assert.match(drops[0]!.reason, /refused them \(collector answered 400\)/);
    assert.equal(processor.queuedSpans, 0);
  });

  it('ignores spans that are not sampled', async () => {
    const { processor, exporter } = setup({});
    const tracer = new TracerProvider({
      spanProcessors: [processor],
      sampler: { shouldSample: () => ({ decision: 1 }), toString: () => 'record-only' },
    }).getTracer('t');
    tracer.startSpan('recorded, not sampled').end();
    await processor.forceFlush();
    assert.equal(exporter.attempts, 0);
  });

  describe('with the OTLP fetch exporter', () => {
    async function collector(answers: Array<{ status: number; headers?: Record<string, string> }>) {
      const received: number[] = [];
      const server = createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          received.push(Date.now());
          const next = answers.shift() ?? { status: 200 };
          response.writeHead(next.status, next.headers).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
      return { url, received, close: () => server.close() };
    }

    it('honours Retry-After: no attempt before it, one after it', async () => {
      const sink = await collector([{ status: 429, headers: { 'retry-after': '1' } }]);
      try {
        const { processor, end } = setup({ maxWaitMillis: 0 }, new OTLPFetchSpanExporter({ url: sink.url }));
        processor.requestStarted();
        end('throttled');
        await processor.requestEnded();
        assert.equal(sink.received.length, 1);
        processor.requestStarted();
        end('meanwhile');
        await processor.requestEnded();
        assert.equal(sink.received.length, 1, 'a flush within Retry-After sends nothing');
        assert.equal(processor.queuedSpans, 2);
        await sleep(1050);
        processor.requestStarted();
        await processor.requestEnded();
        assert.equal(sink.received.length, 2, 'after Retry-After the held spans go, in one export');
        assert.ok(sink.received[1]! - sink.received[0]! >= 1000);
        assert.equal(processor.queuedSpans, 0);
      } finally {
        sink.close();
      }
    });

    it('a request that may wait (waitUntil) retries after Retry-After itself', async () => {
      const sink = await collector([{ status: 503, headers: { 'retry-after': '1' } }]);
      try {
        const { processor, end } = setup({}, new OTLPFetchSpanExporter({ url: sink.url }));
        processor.requestStarted();
        end('once');
        await processor.requestEnded();
        assert.equal(sink.received.length, 2);
        assert.ok(sink.received[1]! - sink.received[0]! >= 950);
        assert.equal(processor.queuedSpans, 0);
      } finally {
        sink.close();
      }
    });

    it('holds spans through a collector that is not listening, and delivers them once it is', async () => {
      const sink = await collector([]);
      const port = new URL(sink.url).port;
      sink.close();
      await sleep(20);
      const { processor, end, drops } = setup({ maxWaitMillis: 100 }, new OTLPFetchSpanExporter({ url: sink.url, timeoutMillis: 500 }));
      for (let i = 0; i < 5; i += 1) {
        processor.requestStarted();
        end(`outage-${i}`);
        await processor.requestEnded();
      }
      assert.equal(processor.queuedSpans, 5);
      const back = createServer((request, response) => request.resume().on('end', () => response.writeHead(200).end()));
      let received = 0;
      back.on('request', () => (received += 1));
      await new Promise<void>((resolve) => back.listen(Number(port), '127.0.0.1', resolve));
      try {
        await sleep(60);
        processor.requestStarted();
        end('after');
        await processor.requestEnded();
        assert.equal(processor.queuedSpans, 0);
        assert.ok(received >= 1);
        assert.equal(processor.droppedSpans, 0);
        assert.deepEqual(drops, []);
      } finally {
        back.close();
      }
    });
  });

  describe('with the edge exporter, against the contract’s retry cases', () => {
    for (const retryCase of RETRY_CASES) {
      it(`${retryCase.retry ? 'holds the spans for a retry' : 'drops and reports the spans'}: ${retryCase.name}`, async () => {
        let requests = 0;
        const answer = fetchAnswering(retryCase);
        const exporter = new OTLPFetchSpanExporter({
          url: 'http://collector.test/v1/traces',
          fetch: (input, init) => {
            requests += 1;
            return answer(input, init);
          },
        });
        const { processor, end, drops } = setup({ maxWaitMillis: 0 }, exporter);
        end('a');
        await processor.forceFlush();
        assert.equal(requests, 1, 'one attempt per flush');
        assert.equal(processor.queuedSpans, retryCase.retry ? 1 : 0);
        assert.equal(processor.droppedSpans, retryCase.retry ? 0 : 1);
        assert.equal(drops.length, retryCase.retry ? 0 : 1);
      });
    }
  });
});
