/**
 * orders-worker: consumes OrderCreated from the `orders` Kafka topic in a consumer group (batch
 * consumption, each message continuing its producer's trace), charges the order at the payment
 * service over HTTP and posts the outcome on its board, where checkout-api waits for it.
 * A message that cannot be handled is delivered again, then sent to `orders.dlq`.
 */
import { log, startNodeTracing } from '../shared/telemetry.js';
import { markError } from '../shared/messaging.js';
import { ensureOrdersTopics, ORDERS_DEAD_LETTER_TOPIC, ORDERS_TOPIC, ordersKafka, ordersProducer } from '../shared/kafka.js';
import http from 'node:http';
import { postJson, sendJson, stopOnSignals } from '../shared/http.js';
import { trace } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { ordersBatchHandler } from './ordersConsumer.js';
import { OrderOutcomes } from './outcomes.js';

const tracing = startNodeTracing('orders-worker');
const paymentUrl = process.env.PAYMENT_URL ?? 'http://127.0.0.1:8084';
const port = Number(process.env.ORDERS_WORKER_PORT ?? 8085);
const GROUP_ID = 'orders-worker';

interface OrderCreated {
  type: 'OrderCreated';
  orderId: string;
  scenario: string;
  amountCents: number;
}

const outcomes = new OrderOutcomes();

/** Reads an OrderCreated; anything else is a poison message (it can never be handled). */
function parseOrder(message: KafkaMessage): OrderCreated {
  let value: unknown;
  try {
    value = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    throw new PoisonMessageError(`offset ${message.offset} is not JSON`);
  }
  const order = value as Partial<OrderCreated> | null;
  if (order?.type !== 'OrderCreated' || typeof order.orderId !== 'string') throw new PoisonMessageError(`offset ${message.offset} is not an OrderCreated`);
  return order as OrderCreated;
}

async function handleOrder(message: KafkaMessage): Promise<void> {
  const order = parseOrder(message);
  trace.getActiveSpan()?.setAttribute('order.id', order.orderId);
  log('order received', { orderId: order.orderId });
  // A payment service that cannot be reached throws here: the message is delivered again.
  const payment = await postJson(`${paymentUrl}/pay`, order);
  const paid = payment.status === 200;
  if (!paid) {
    const reason = (payment.body as { error?: string } | undefined)?.error ?? `HTTP ${payment.status}`;
    const span = trace.getActiveSpan();
    if (span) markError(span, new Error(`payment failed: ${reason}`));
    log('payment failed', { orderId: order.orderId, reason });
  } else {
    log('order paid', { orderId: order.orderId });
  }
  outcomes.post(order.orderId, paid ? { ok: true } : { ok: false, error: 'payment_failed' });
}

const { kafkajs, kafka } = ordersKafka('orders-worker');
await ensureOrdersTopics(kafka);
const producer = ordersProducer(kafkajs, kafka);
await producer.connect();
const consumer = kafka.consumer({ groupId: GROUP_ID, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
await consumer.connect();
// From the beginning when the group has no committed offset: an order produced before the
// group first joined is still consumed.
await consumer.subscribe({ topic: ORDERS_TOPIC, fromBeginning: true });
const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
await consumer.run({
  eachBatch: ordersBatchHandler({
    groupId: GROUP_ID,
    handle: handleOrder,
    async deadLetter(message, error, attempts, source) {
      log('message sent to the dead-letter topic', { offset: message.offset, attempts, error: String(error) });
      await producer.send({
        topic: ORDERS_DEAD_LETTER_TOPIC,
        messages: [
          {
            key: message.key,
            value: message.value,
            // The original headers (baggage included), where it came from and why it failed.
            headers: {
              ...message.headers,
              'dlq.source.topic': source.topic,
              'dlq.source.partition': String(source.partition),
              'dlq.source.offset': message.offset,
              'dlq.delivery.count': String(attempts),
              'dlq.error': String(error).slice(0, 500),
            },
          },
        ],
      });
    },
  }),
});
await joined;

// GET /health, and GET /results/:orderId?waitMs=N (200 outcome | 204 none yet): control
// traffic, so a plain server (no duration metrics; the HTTP instrumentation ignores its paths).
const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://service');
  const [, kind, orderId] = url.pathname.split('/');
  if (request.method === 'GET' && kind === 'health') return sendJson(response, 200, { ok: true });
  if (request.method !== 'GET' || kind !== 'results' || !orderId) return sendJson(response, 404, { error: 'not_found' });
  void outcomes
    .wait(orderId, Number(url.searchParams.get('waitMs')))
    .then((outcome) => (outcome === undefined ? void response.writeHead(204).end() : sendJson(response, 200, outcome)));
});
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
log('orders-worker consuming', { topic: ORDERS_TOPIC, group: GROUP_ID, port });
stopOnSignals(async () => {
  server.close();
  await consumer.disconnect().catch(() => undefined);
  await producer.disconnect().catch(() => undefined);
  await tracing.shutdown();
});

class PoisonMessageError extends Error {
  override name = 'PoisonMessageError';
}
