import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { EdgeBatchSpanProcessor } from './EdgeBatchSpanProcessor.js';
import { ExportFailure } from '@journeytrace/contract';

const down: ExportResult = { code: ExportResultCode.FAILED, error: new ExportFailure('connect ECONNREFUSED', true) };

/** A collector that is down until `up` is set; it records what it takes. */
function collector() {
  const state = { up: false, attempts: 0, delivered: [] as string[] };
  const exporter: SpanExporter = {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      state.attempts += 1;
      if (state.up) state.delivered.push(...spans.map((span) => span.name));
      queueMicrotask(() => done(state.up ? { code: ExportResultCode.SUCCESS } : down));
    },
    shutdown: async () => {},
  };
  return { state, exporter };
}

function setup(spill: (spans: ReadableSpan[]) => Promise<boolean>) {
  const { state, exporter } = collector();
  const drops: number[] = [];
  // A long backoff: the isolate would hold spans for it; with a spill it does not.
  const processor = new EdgeBatchSpanProcessor(exporter, {
    initialBackoffMillis: 60_000,
    maxBackoffMillis: 60_000,
    idleDelayMillis: 0,
    spill,
    onDrop: (report) => drops.push(report.droppedSpans),
  });
  const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('test');
  const request = async (...names: string[]) => {
    processor.requestStarted();
    for (const name of names) tracer.startSpan(name).end();
    await processor.requestEnded();
  };
  return { processor, request, state, drops };
}

describe('EdgeBatchSpanProcessor with a spill', () => {
  it('hands a failed batch to the spill, and spills later batches during the backoff without trying the collector', async () => {
    const spilled: string[] = [];
    const { processor, request, state, drops } = setup(async (spans) => {
      spilled.push(...spans.map((span) => span.name));
      return true;
    });
    await request('a1', 'a2');
    assert.equal(state.attempts, 1);
    assert.deepEqual(spilled, ['a1', 'a2'], 'the failed batch is held durably, not in the isolate');
    await request('b1');
    assert.equal(state.attempts, 1, 'the collector is in its backoff: no attempt');
    assert.deepEqual(spilled, ['a1', 'a2', 'b1']);
    assert.equal(processor.queuedSpans, 0, 'nothing is left in the isolate to die with it');
    assert.deepEqual(drops, []);
  });

  it('keeps the spans in the isolate, as without a spill, when the spill cannot take them', async () => {
    const { processor, request, state } = setup(async () => false);
    await request('a1');
    assert.equal(processor.queuedSpans, 1);
    state.up = true;
    await processor.forceFlush();
    assert.deepEqual(state.delivered, ['a1']);
    assert.equal(processor.queuedSpans, 0);
  });
});
