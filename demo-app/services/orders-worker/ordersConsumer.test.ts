import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { KafkaMessage } from 'kafkajs';
import { ordersBatchHandler, type BatchPayload } from './ordersConsumer.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PRODUCER_SPAN_ID = 'b7ad6b7169203331';

function message(offset: string, value: string): KafkaMessage {
  // A record-batch entry (the `KafkaMessage` union's member with headers).
  return {
    key: Buffer.from(`key-${offset}`),
    value: Buffer.from(value),
    offset,
    timestamp: '0',
    attributes: 0,
    size: 0,
    // As kafkajs delivers them: Buffers.
    headers: { traceparent: Buffer.from(`00-${TRACE_ID}-${PRODUCER_SPAN_ID}-01`), baggage: Buffer.from('user.tier=vip') },
  } as unknown as KafkaMessage;
}

/** A kafkajs eachBatch payload over `messages`, recording which offsets were resolved. */
function payload(messages: KafkaMessage[]): BatchPayload & { resolved: string[] } {
  const resolved: string[] = [];
  return {
    resolved,
    batch: { topic: 'orders', partition: 0, messages } as unknown as BatchPayload['batch'],
    resolveOffset: (offset) => void resolved.push(offset),
    heartbeat: async () => {},
    isRunning: () => true,
    isStale: () => false,
  };
}

describe('ordersBatchHandler', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('test');
  before(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  });
  after(() => {
    context.disable();
    propagation.disable();
  });

  it("continues each message's journey: CONSUMER span under its producer, links to the producer and the batch, baggage in the handler", async () => {
    exporter.reset();
    const seen: Array<{ traceId?: string; tier?: string }> = [];
    const handler = ordersBatchHandler({
      groupId: 'orders-worker',
      tracer,
      handle: async () =>
        void seen.push({ traceId: trace.getActiveSpan()?.spanContext().traceId, tier: propagation.getBaggage(context.active())?.getEntry('user.tier')?.value }),
      deadLetter: async () => assert.fail('nothing is dead-lettered'),
    });
    const batchSpan = tracer.startSpan('poll orders');
    const run = payload([message('0', '{}'), message('1', '{}')]);
    await context.with(trace.setSpan(context.active(), batchSpan), () => handler(run));
    batchSpan.end();
    assert.deepEqual(run.resolved, ['0', '1']);
    assert.deepEqual(seen, [
      { traceId: TRACE_ID, tier: 'vip' },
      { traceId: TRACE_ID, tier: 'vip' },
    ]);
    const spans = exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CONSUMER);
    assert.equal(spans.length, 2);
    for (const span of spans) {
      assert.equal(span.name, 'process orders');
      assert.equal(span.spanContext().traceId, TRACE_ID);
      assert.equal(span.parentSpanContext?.spanId, PRODUCER_SPAN_ID);
      assert.deepEqual(
        span.links.map((link) => link.context.spanId),
        [PRODUCER_SPAN_ID, batchSpan.spanContext().spanId],
      );
      assert.equal(span.attributes['messaging.system'], 'kafka');
      assert.equal(span.attributes['messaging.operation.type'], 'process');
      assert.equal(span.attributes['messaging.consumer.group.name'], 'orders-worker');
      assert.equal(span.attributes['messaging.message.delivery_count'], 1);
    }
    assert.deepEqual(
      spans.map((span) => span.attributes['messaging.kafka.offset']),
      [0, 1],
    );
  });

  it('leaves a failed message unresolved for redelivery, counts deliveries, and dead-letters it after the last', async () => {
    exporter.reset();
    const deadLettered: Array<{ offset: string; attempts: number; traceId?: string }> = [];
    const handler = ordersBatchHandler({
      groupId: 'orders-worker',
      tracer,
      maxDeliveryAttempts: 3,
      handle: async (received) => {
        if (received.value?.toString() === 'poison') throw new Error('not an order');
      },
      deadLetter: async (received, _error, attempts) =>
        void deadLettered.push({ offset: received.offset, attempts, traceId: trace.getActiveSpan()?.spanContext().traceId }),
    });
    // As kafkajs redelivers: the batch again from the first unresolved offset.
    const first = payload([message('0', '{}'), message('1', 'poison'), message('2', '{}')]);
    await assert.rejects(handler(first), /not an order/);
    assert.deepEqual(first.resolved, ['0']);
    const second = payload([message('1', 'poison'), message('2', '{}')]);
    await assert.rejects(handler(second), /not an order/);
    assert.deepEqual(second.resolved, []);
    const third = payload([message('1', 'poison'), message('2', '{}')]);
    await handler(third);
    assert.deepEqual(third.resolved, ['1', '2']);
    assert.deepEqual(deadLettered, [{ offset: '1', attempts: 3, traceId: TRACE_ID }]);
    const poison = exporter.getFinishedSpans().filter((span) => span.attributes['messaging.kafka.offset'] === 1);
    assert.deepEqual(
      poison.map((span) => [span.attributes['messaging.message.delivery_count'], span.status.code]),
      [
        [1, SpanStatusCode.ERROR],
        [2, SpanStatusCode.ERROR],
        [3, SpanStatusCode.ERROR],
      ],
    );
    assert.ok(poison.every((span) => span.events.some((event) => event.name === 'exception')));
  });

  it('stops at a rebalance (stale batch) without resolving what it did not handle', async () => {
    const handler = ordersBatchHandler({ groupId: 'g', tracer, handle: async () => {}, deadLetter: async () => {} });
    const stale = { ...payload([message('0', '{}')]), isStale: () => true };
    await handler(stale);
    assert.deepEqual(stale.resolved, []);
  });
});
