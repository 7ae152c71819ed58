/**
 * orders-worker: consumes OrderCreated from the orders queue, continuing each producer's trace,
 * charges the order at the payment service over HTTP and posts the outcome for checkout-api.
 */
import { log, startNodeTracing } from '../shared/telemetry.js';
import { consume, markError } from '../shared/messaging.js';
import { postJson, serveJson, stopOnSignals } from '../shared/http.js';
import { trace } from '@opentelemetry/api';

const tracing = startNodeTracing('orders-worker');
const brokerUrl = process.env.ORDERS_QUEUE_URL ?? 'http://127.0.0.1:8083';
const paymentUrl = process.env.PAYMENT_URL ?? 'http://127.0.0.1:8084';
const port = Number(process.env.ORDERS_WORKER_PORT ?? 8085);

interface OrderCreated {
  orderId: string;
  scenario: string;
  amountCents: number;
}

async function handleOrder(body: unknown): Promise<void> {
  const order = body as OrderCreated;
  trace.getActiveSpan()?.setAttribute('order.id', order.orderId);
  log('order received', { orderId: order.orderId });
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
  await fetch(`${brokerUrl}/results/${order.orderId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(paid ? { ok: true } : { ok: false, error: 'payment_failed' }),
  });
}

const stop = new AbortController();
const consuming = consume(brokerUrl, 'orders', handleOrder, stop.signal, (message, error) =>
  log('message dropped after retries', { messageId: message.id, error: String(error) }),
);
// A health endpoint only, so the demo knows the worker is up.
const server = await serveJson(port, async (_request, response) => void response.writeHead(404).end());
log('orders-worker consuming', { queue: 'orders', port });
stopOnSignals(async () => {
  stop.abort();
  server.close();
  await consuming.catch(() => undefined);
  await tracing.shutdown();
});
