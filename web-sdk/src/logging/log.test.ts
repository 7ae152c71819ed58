import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { stepContextManager } from '../context/StepContextManager.js';
import { currentIds, log } from './log.js';

describe('log and currentIds', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
  const tracer = provider.getTracer('test');
  const manager = stepContextManager();

  beforeEach(() => {
    context.setGlobalContextManager(manager.enable());
    mock.method(console, 'info', () => undefined);
  });
  afterEach(() => {
    context.disable();
    mock.restoreAll();
    exporter.reset();
  });

  it('gives the active span ids, and nothing outside a span', () => {
    assert.deepEqual(currentIds(), {});
    const span = tracer.startSpan('step');
    context.with(trace.setSpan(context.active(), span), () => {
      assert.deepEqual(currentIds(), { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
    });
    span.end();
  });

  it('writes one JSON line with the ids and adds it as an event on the active span', async () => {
    const span = tracer.startSpan('step');
    const release = manager.hold(trace.setSpan(context.active(), span));
    await new Promise((resolve) => setTimeout(resolve, 1)); // After a native await, through the held context.
    const record = log('cart loaded', { items: 3, nested: { skipped: true } });
    release();
    span.end();
    assert.equal(record.trace_id, span.spanContext().traceId);
    assert.equal(record.msg, 'cart loaded');
    const line = JSON.parse((console.info as unknown as { mock: { calls: Array<{ arguments: [string] }> } }).mock.calls[0]!.arguments[0]);
    assert.equal(line.span_id, span.spanContext().spanId);
    assert.equal(line.items, 3);
    const [ended] = exporter.getFinishedSpans();
    assert.deepEqual(
      ended!.events.map((event) => [event.name, event.attributes]),
      [['log', { 'log.message': 'cart loaded', items: 3 }]],
    );
  });

  it('does not let fields overwrite the ids or the message', () => {
    const span = tracer.startSpan('step');
    const record = context.with(trace.setSpan(context.active(), span), () => log('real', { msg: 'fake', trace_id: 'forged' }));
    span.end();
    assert.equal(record.msg, 'real');
    assert.equal(record.trace_id, span.spanContext().traceId);
  });
});
