import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { createEdgeTracing } from '../tracing/edgeTracing.js';
import { tracedQueue, traceQueueConsumer, type QueueBatch, type QueueMessage, type QueueProducer, type TracedMessageBody } from './index.js';

/** An in-memory queue: what was sent, and a way to deliver it as a batch. */
function memoryQueue<Body>() {
  const sent: Array<TracedMessageBody<Body>> = [];
  const producer: QueueProducer<TracedMessageBody<Body>> = {
    send: async (body) => void sent.push(structuredClone(body)),
    sendBatch: async (messages) => void sent.push(...[...messages].map((message) => structuredClone(message.body))),
  };
  const settled: Record<string, 'ack' | 'retry'> = {};
  const batch = (attempts = 1): QueueBatch<unknown> => ({
    queue: 'order-events',
    messages: sent.map(
      (body, index): QueueMessage<unknown> => ({
        id: `m${index}`,
        timestamp: new Date(),
        body,
        attempts,
        ack: () => {
          settled[`m${index}`] = 'ack';
        },
        retry: () => {
          settled[`m${index}`] = 'retry';
        },
      }),
    ),
  });
  return { producer, sent, batch, settled };
}

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const spans = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  const ctx = { waitUntil: (promise: Promise<unknown>) => void promise };
  return { tracing, spans, ctx };
}

const byKind = (spans: ReadableSpan[], kind: SpanKind) => spans.filter((span) => span.kind === kind);

describe('queue hop', () => {
  it('the consumer continues the producer trace: PRODUCER -> CONSUMER per message, batch span linking them', async () => {
    const { tracing, spans, ctx } = setup();
    const queue = memoryQueue<{ orderId: string }>();
    const request = tracing.tracer.startSpan('POST /api/checkout', { kind: SpanKind.SERVER });
    const baggage = propagation.createBaggage({ 'session.id': { value: 's-1' } });
    await context.with(propagation.setBaggage(trace.setSpan(context.active(), request), baggage), () =>
      tracedQueue(queue.producer, { name: 'order-events', tracing }).send({ orderId: 'o-1' }),
    );
    request.end();
    assert.match(queue.sent[0]!.headers.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]$/);
    assert.equal(queue.sent[0]!.headers.baggage, 'session.id=s-1');
    assert.deepEqual(queue.sent[0]!.body, { orderId: 'o-1' });

    const processed: unknown[] = [];
    await traceQueueConsumer<{ orderId: string }, object>(async (body) => void processed.push(body), { tracing: () => tracing })(queue.batch(), {}, ctx);
    assert.deepEqual(processed, [{ orderId: 'o-1' }]);
    assert.deepEqual(queue.settled, { m0: 'ack' });

    const all = await spans();
    const [producer] = byKind(all, SpanKind.PRODUCER);
    assert.equal(producer!.name, 'send order-events');
    assert.equal(producer!.parentSpanContext?.spanId, request.spanContext().spanId);
    assert.deepEqual(
      { ...producer!.attributes },
      {
        'messaging.system': 'cloudflare_queues',
        'messaging.destination.name': 'order-events',
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
        'session.id': 's-1',
      },
    );
    const consumers = byKind(all, SpanKind.CONSUMER);
    const message = consumers.find((span) => span.attributes['messaging.message.id'] === 'm0')!;
    const batchSpan = consumers.find((span) => span.attributes['messaging.batch.message_count'] === 1)!;
    assert.equal(message.spanContext().traceId, request.spanContext().traceId, 'one trace across the queue');
    assert.equal(message.parentSpanContext?.spanId, producer!.spanContext().spanId);
    assert.equal(message.attributes['messaging.operation.type'], 'process');
    assert.equal(message.attributes['session.id'], 's-1', 'baggage travels with the message');
    assert.deepEqual(
      message.links.map((link) => link.context.spanId),
      [producer!.spanContext().spanId, batchSpan.spanContext().spanId],
    );
    assert.equal(batchSpan.parentSpanContext, undefined);
    assert.deepEqual(
      batchSpan.links.map((link) => link.context.spanId),
      [producer!.spanContext().spanId],
    );
  });

  it('a batch from several journeys: one batch span linking every creation context', async () => {
    const { tracing, spans, ctx } = setup();
    const queue = memoryQueue<number>();
    const orders = tracedQueue(queue.producer, { name: 'order-events', tracing });
    for (let i = 0; i < 3; i++) {
      const journey = tracing.tracer.startSpan(`journey ${i}`);
      await context.with(trace.setSpan(context.active(), journey), () => orders.send(i));
      journey.end();
    }
    await traceQueueConsumer<number, object>(() => undefined, { tracing: () => tracing })(queue.batch(), {}, ctx);
    const all = await spans();
    const producers = byKind(all, SpanKind.PRODUCER);
    const batchSpan = byKind(all, SpanKind.CONSUMER).find((span) => span.attributes['messaging.batch.message_count'] === 3)!;
    assert.deepEqual(batchSpan.links.map((link) => link.context.spanId).sort(), producers.map((span) => span.spanContext().spanId).sort());
    assert.equal(new Set(producers.map((span) => span.spanContext().traceId)).size, 3);
  });

  it('sendBatch: one PRODUCER span with the message count, its context in every message', async () => {
    const { tracing, spans } = setup();
    const queue = memoryQueue<string>();
    await tracedQueue(queue.producer, { name: 'order-events', tracing }).sendBatch([{ body: 'a' }, { body: 'b', delaySeconds: 1 }]);
    const [producer] = byKind(await spans(), SpanKind.PRODUCER);
    assert.equal(producer!.attributes['messaging.batch.message_count'], 2);
    assert.equal(producer!.attributes['messaging.operation.name'], 'sendBatch');
    const traceparents = new Set(queue.sent.map((message) => message.headers.traceparent));
    assert.deepEqual([...traceparents], [`00-${producer!.spanContext().traceId}-${producer!.spanContext().spanId}-01`]);
  });

  it('a failing message is retried alone, its span is ERROR, and the retry joins the same trace', async () => {
    const { tracing, spans, ctx } = setup();
    const queue = memoryQueue<string>();
    const orders = tracedQueue(queue.producer, { name: 'order-events', tracing });
    await orders.send('ok');
    await orders.send('boom');
    const consumer = traceQueueConsumer<string, object>(
      (body, message) => {
        if (body === 'boom' && message.attempts === 1) throw new Error('payment down');
      },
      { tracing: () => tracing },
    );
    await consumer(queue.batch(1), {}, ctx);
    assert.deepEqual(queue.settled, { m0: 'ack', m1: 'retry' });
    await consumer({ ...queue.batch(2), messages: queue.batch(2).messages.slice(1) }, {}, ctx);
    assert.equal(queue.settled.m1, 'ack');
    const attempts = byKind(await spans(), SpanKind.CONSUMER).filter((span) => span.attributes['messaging.message.id'] === 'm1');
    assert.deepEqual(
      attempts.map((span) => [span.attributes['messaging.cloudflare_queues.message.attempts'], span.status.code]),
      [
        [1, SpanStatusCode.ERROR],
        [2, SpanStatusCode.UNSET],
      ],
    );
    assert.equal(attempts[0]!.events[0]?.name, 'exception');
    assert.equal(attempts[0]!.parentSpanContext?.spanId, attempts[1]!.parentSpanContext?.spanId, 'both attempts under the producer span');
  });

  it('processes bodies that carry no context in a new trace, and hostile headers do not break it', async () => {
    const { tracing, spans, ctx } = setup();
    const bodies: unknown[] = [];
    const consumer = traceQueueConsumer<unknown, object>((body) => void bodies.push(body), { tracing: () => tracing });
    const message = (id: string, body: unknown): QueueMessage<unknown> => ({ id, timestamp: new Date(), body, attempts: 1, ack: () => {}, retry: () => {} });
    await consumer(
      {
        queue: 'order-events',
        messages: [
          message('plain', 'just text'),
          message('bad', { headers: { traceparent: 'garbage', baggage: '%%%' }, body: 1 }),
          message('weird', { headers: { traceparent: 42 }, body: 2 }),
        ],
      },
      {},
      ctx,
    );
    assert.deepEqual(bodies, ['just text', 1, { headers: { traceparent: 42 }, body: 2 }]);
    const consumers = byKind(await spans(), SpanKind.CONSUMER).filter((span) => span.attributes['messaging.message.id']);
    assert.equal(consumers.length, 3);
    for (const span of consumers) assert.equal(span.parentSpanContext, undefined);
  });
});
