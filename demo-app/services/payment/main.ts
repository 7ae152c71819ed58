/** payment: charges an order. The `error` scenario declines the card (an ERROR span). */
import { trace } from '@opentelemetry/api';
import { log, startNodeTracing } from '../shared/telemetry.js';
import { markError } from '../shared/messaging.js';
import { readJson, sendJson, serveJson, stopOnSignals } from '../shared/http.js';

const tracing = startNodeTracing('payment');
const port = Number(process.env.PAYMENT_PORT ?? 8084);

const server = await serveJson(port, async (request, response, url) => {
  if (request.method !== 'POST' || url.pathname !== '/pay') return sendJson(response, 404, { error: 'not_found' });
  const order = (await readJson(request)) as { orderId?: string; scenario?: string; amountCents?: number } | undefined;
  if (!order?.orderId) return sendJson(response, 400, { error: 'body must be an order' });
  if (order.scenario === 'error') {
    const span = trace.getActiveSpan();
    if (span) markError(span, new CardDeclinedError(`card declined for ${order.orderId}`));
    log('card declined', { orderId: order.orderId });
    return sendJson(response, 402, { error: 'card_declined' });
  }
  log('payment captured', { orderId: order.orderId, amountCents: order.amountCents });
  sendJson(response, 200, { ok: true, paymentId: `pay_${crypto.randomUUID().slice(0, 8)}` });
});
log('payment listening', { port });
stopOnSignals(async () => {
  server.close();
  await tracing.shutdown();
});

class CardDeclinedError extends Error {
  override name = 'CardDeclinedError';
}
