/**
 * The orders hop on a real Kafka broker: the vip error journey crosses the `orders` topic in one
 * trace with the messaging conventions (`messaging.system = kafka`); a broker killed and started
 * again mid-journey loses neither the message nor a span; a poison message is delivered again,
 * then goes to the dead-letter topic, its span in the original journey's trace.
 */
import { expect, test, waitForJourney, type JourneyTrace, type SpanSelector } from '@journeytrace/playwright';
import { Kafka, logLevel } from 'kafkajs';
import { checkoutInShop } from './support/shop.js';
import { useDedicatedStack } from './support/dedicatedStack.js';

// The edge waits long enough for a journey held up by a broker restart (about 4 s here).
const stack = useDedicatedStack({ name: 'kafka-orders', edgeVars: { ORIGIN_TIMEOUT_MS: '30000' } });

const PRODUCER: SpanSelector = { service: 'inventory', kind: 'PRODUCER', name: 'send orders' };
const CONSUMER: SpanSelector = { service: 'orders-worker', kind: 'CONSUMER', name: 'process orders' };
/** From the gRPC call that produces to the payment the consumer makes: each the parent of the next. */
const ORDERS_HOP: SpanSelector[] = [
  { service: 'inventory', kind: 'SERVER', attributes: { 'rpc.system': 'grpc' } },
  PRODUCER,
  CONSUMER,
  { service: 'orders-worker', kind: 'CLIENT' },
  { service: 'payment', kind: 'SERVER' },
];

function journeyTrace(traceId: string, until: (trace: JourneyTrace) => boolean): Promise<JourneyTrace> {
  return waitForJourney(stack().tracesFile, traceId, { timeoutMillis: 45_000, settleMillis: 0, until });
}

const crossedTheTopic = (trace: JourneyTrace) => ORDERS_HOP.every((hop) => trace.findAll(hop).length > 0) && trace.orphans().length === 0;

/** The journey went through the topic: producer, consumer (its child, linked to it) and on to payment, with the conventions. */
function expectOrdersHop(trace: JourneyTrace) {
  const [, producer, consumer] = trace.expectChain(...ORDERS_HOP);
  expect(producer!.attributes).toMatchObject({
    'messaging.system': 'kafka',
    'messaging.destination.name': 'orders',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
  });
  expect(consumer!.attributes).toMatchObject({
    'messaging.system': 'kafka',
    'messaging.destination.name': 'orders',
    'messaging.operation.type': 'process',
    'messaging.consumer.group.name': 'orders-worker',
  });
  expect(consumer!.links, 'the consumer links to its message producer').toContain(producer!.spanId);
  return { producer: producer!, consumer: consumer! };
}

test('the vip error journey crosses the real orders topic in one trace, tier and session carried across it', async ({ page }) => {
  const { result, traceId } = await checkoutInShop(page, stack().urls.app, 'vip', 'error');
  await expect(result).toContainText('failed');
  const trace = await journeyTrace(traceId, crossedTheTopic);
  const { consumer } = expectOrdersHop(trace);
  // Baggage went through the record headers: the allow-listed, verified claims are on the consumer's span.
  expect(consumer.attributes['user.tier']).toBe('vip');
  expect(String(consumer.attributes['session.id'])).toMatch(/^[0-9a-f]{32}$/);
  expect(consumer.statusCode, 'the failed payment marks the consumer span ERROR').toBe(2);
  // The batch view: the consumer also links to the batch's poll span (instrumentation-kafkajs), in a trace of its own.
  expect(consumer.links.length).toBe(2);
  trace.expectNoOrphans();
});

test('the broker killed mid-journey and started again: the order goes through, no message and no span lost', async ({ page }) => {
  test.setTimeout(120_000);
  // A journey first, so the topics, the group and its committed offset exist before the kill.
  const before = await checkoutInShop(page, stack().urls.app, 'vip', 'ok');
  await expect(before.result).toContainText('placed');
  // SIGKILL (no controlled shutdown, the harsher case), then the restart, with a journey started while it is down.
  const kafka = stack().services.find((service) => service.name === 'kafka')!;
  process.kill(-kafka.pid!, 'SIGKILL');
  await stack().restart('kafka', async () => {
    await page.goto(stack().urls.app);
    await page.locator('[data-testid=tier]').selectOption('vip');
    await page.locator('[data-testid=scenario]').selectOption('ok');
    await page.locator('[data-testid=checkout]').click();
    // The journey is now waiting on the produce, which kafkajs retries while the broker is away.
    await page.waitForTimeout(1500);
  });
  const result = page.locator('[data-testid=result]');
  await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/, { timeout: 60_000 });
  await expect(result).toContainText('placed');
  const traceId = (await result.getAttribute('data-trace-id'))!;
  const trace = await journeyTrace(traceId, crossedTheTopic);
  expectOrdersHop(trace);
  trace.expectNoErrors();
  // Delivered once: one PRODUCER span, one process span, one payment.
  expect(trace.findAll(PRODUCER).length).toBe(1);
  expect(trace.findAll(CONSUMER).length).toBe(1);
  expect(trace.findAll({ service: 'payment', kind: 'SERVER' }).length).toBe(1);
});

test('a poison message is delivered again, then goes to the dead-letter topic with its span in the original journey', async ({ page }) => {
  test.setTimeout(120_000);
  const journey = await checkoutInShop(page, stack().urls.app, 'vip', 'ok');
  await expect(journey.result).toContainText('placed');
  const producer = (await journeyTrace(journey.traceId, crossedTheTopic)).span(PRODUCER);

  // A record no consumer can handle, published in that journey (its producer span as parent), as a bad deploy would.
  const kafka = new Kafka({ clientId: 'kafka-orders-spec', brokers: [stack().kafkaBrokers], logLevel: logLevel.NOTHING });
  const client = kafka.producer();
  await client.connect();
  const poisonKey = `poison-${Date.now()}`;
  try {
    await client.send({
      topic: 'orders',
      messages: [{ key: poisonKey, value: 'not an order', headers: { traceparent: `00-${journey.traceId}-${producer.spanId}-01`, baggage: 'user.tier=vip' } }],
    });
  } finally {
    await client.disconnect();
  }

  const deadLetterSend: SpanSelector = { service: 'orders-worker', kind: 'PRODUCER', name: 'send orders.dlq' };
  const poisonDeliveries = (trace: JourneyTrace) => trace.findAll({ ...CONSUMER, attributes: { 'messaging.kafka.message.key': poisonKey } });
  const trace = await journeyTrace(journey.traceId, (arrived) => arrived.findAll(deadLetterSend).length > 0 && poisonDeliveries(arrived).length === 3);
  // Three deliveries, each an ERROR span under the journey's producer span, counted.
  const deliveries = poisonDeliveries(trace).sort(
    (a, b) => Number(a.attributes['messaging.message.delivery_count']) - Number(b.attributes['messaging.message.delivery_count']),
  );
  expect(deliveries.map((span) => [span.attributes['messaging.message.delivery_count'], span.statusCode, span.parentSpanId])).toEqual([
    [1, 2, producer.spanId],
    [2, 2, producer.spanId],
    [3, 2, producer.spanId],
  ]);
  expect(deliveries.every((span) => span.events.includes('exception') && span.attributes['error.type'] === 'PoisonMessageError')).toBe(true);
  // The dead-letter send: in the journey's trace, a child of the last delivery.
  const sent = trace.span(deadLetterSend);
  expect(sent.parentSpanId).toBe(deliveries[2]!.spanId);
  expect(sent.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'orders.dlq', 'messaging.operation.type': 'send' });

  // And the record is on the dead-letter topic, with where it came from and why.
  const reader = kafka.consumer({ groupId: `kafka-orders-spec-${Date.now()}` });
  await reader.connect();
  try {
    await reader.subscribe({ topic: 'orders.dlq', fromBeginning: true });
    const headers = await new Promise<Record<string, string>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no record with the poison key on orders.dlq within 20 s')), 20_000);
      void reader.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== poisonKey) return;
          clearTimeout(timer);
          resolve(Object.fromEntries(Object.entries(message.headers ?? {}).map(([key, value]) => [key, String(value)])));
        },
      });
    });
    expect(headers).toMatchObject({ 'dlq.source.topic': 'orders', 'dlq.delivery.count': '3', baggage: 'user.tier=vip' });
    expect(headers['dlq.error']).toContain('PoisonMessageError');
    // The record carries the journey on: its traceparent is the dead-letter send's span.
    expect(headers.traceparent).toBe(`00-${journey.traceId}-${sent.spanId}-01`);
  } finally {
    await reader.disconnect();
  }
});
