/**
 * The queue hop at the edge, in workerd (wrangler dev's local queues) against the real
 * collector: after a checkout the edge publishes an `order-events` message and its own
 * consumer continues the same trace.
 */
import { expect, test } from '@playwright/test';
import { SpanKind, readKeptSpans, type KeptSpan } from '../fixture/collectorOutput.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};

const isEdge = (span: KeptSpan) => span.resource['cloud.provider'] === 'cloudflare';

test('the order-events consumer joins the checkout trace: SERVER -> PRODUCER -> CONSUMER, batch span linked', async () => {
  const traceId = crypto.randomUUID().replaceAll('-', '');
  const callerSpanId = crypto.randomUUID().replaceAll('-', '').slice(0, 16);
  const response = await fetch(`${env('JOURNEYTRACE_EDGE_URL')}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpanId}-01`, baggage: 'session.id=queue-test-session' },
    body: JSON.stringify({ scenario: 'ok' }),
  });
  expect(response.status).toBe(200);
  const { orderId } = (await response.json()) as { orderId: string };

  let spans: KeptSpan[] = [];
  const hops = () => {
    const server = spans.find((span) => isEdge(span) && span.kind === SpanKind.SERVER && span.traceId === traceId);
    const producer = spans.find((span) => isEdge(span) && span.kind === SpanKind.PRODUCER && span.traceId === traceId);
    const consumer = spans.find((span) => isEdge(span) && span.kind === SpanKind.CONSUMER && span.traceId === traceId);
    const batch = spans.find((span) => isEdge(span) && span.kind === SpanKind.CONSUMER && producer !== undefined && span.links.includes(producer.spanId) && span !== consumer);
    return { server, producer, consumer, batch };
  };
  await expect
    .poll(async () => {
      spans = await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'));
      return Object.entries(hops()).filter(([, span]) => !span).map(([name]) => name);
    }, { timeout: 30_000, message: `edge queue spans of trace ${traceId}` })
    .toEqual([]);
  const { server, producer, consumer, batch } = hops() as Required<{ [K in keyof ReturnType<typeof hops>]: KeptSpan }>;

  expect(server.parentSpanId).toBe(callerSpanId);
  expect(producer.parentSpanId).toBe(server.spanId);
  expect(producer.name).toBe('send order-events');
  expect(producer.attributes).toMatchObject({
    'messaging.system': 'cloudflare_queues',
    'messaging.destination.name': 'order-events',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
  });
  expect(consumer.parentSpanId).toBe(producer.spanId);
  expect(consumer.name).toBe('process order-events');
  expect(consumer.attributes).toMatchObject({
    'messaging.system': 'cloudflare_queues',
    'messaging.destination.name': 'order-events',
    'messaging.operation.type': 'process',
    'messaging.cloudflare_queues.message.attempts': 1,
    'session.id': 'queue-test-session',
  });
  expect(String(consumer.attributes['messaging.message.id'])).not.toBe('');
  expect(consumer.links).toEqual([producer.spanId, batch.spanId]);
  // The batch span stands on its own (a batch mixes journeys) and links to each message's producer.
  expect(batch.parentSpanId).toBe('');
  expect(Number(batch.attributes['messaging.batch.message_count'])).toBeGreaterThanOrEqual(1);
  expect(consumer.startMillis).toBeGreaterThanOrEqual(producer.startMillis);
  expect(orderId).toBeTruthy();
});
