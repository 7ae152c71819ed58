/**
 * The demo's queue hop at the edge: once the origin has placed an order, the edge publishes an
 * `order-events` message; the worker's own `queue()` consumer picks it up in the same journey
 * trace (PRODUCER span under the checkout request, CONSUMER span under the PRODUCER).
 */
import { log } from '@journeytrace/contract';
import { tracedQueue, type ProcessMessage, type QueueProducer, type TracedMessageBody, type WaitUntil } from '@journeytrace/edge/queue';
import { tracingFromEnv, type TracingBindings } from '@journeytrace/edge';

export const ORDER_EVENTS_QUEUE = 'order-events';

export interface OrderPlaced {
  type: 'order.placed';
  orderId: string;
}

export interface OrderEventsBindings extends TracingBindings {
  /** Producer binding of the `order-events` queue (wrangler.toml `[[queues.producers]]`). */
  ORDER_EVENTS?: QueueProducer<TracedMessageBody<OrderPlaced>>;
}

/**
 * Publishes `order.placed` for the order in a successful checkout response. Never fails the
 * checkout: a worker without the queue binding skips it, a failed send is logged (and its
 * PRODUCER span is ERROR).
 */
export async function publishOrderPlaced(c: { env: OrderEventsBindings; executionCtx: WaitUntil }, checkout: Response): Promise<void> {
  const queue = c.env.ORDER_EVENTS;
  if (!queue) return;
  const order = (await checkout
    .clone()
    .json()
    .catch(() => ({}))) as { orderId?: unknown };
  if (typeof order.orderId !== 'string') return;
  let executionCtx: WaitUntil | undefined;
  try {
    executionCtx = c.executionCtx;
  } catch {
    executionCtx = undefined; // app.request() in tests has none.
  }
  try {
    await tracedQueue(queue, { name: ORDER_EVENTS_QUEUE, tracing: tracingFromEnv(c.env), executionCtx }).send({ type: 'order.placed', orderId: order.orderId });
  } catch (error) {
    log('order event not published', { orderId: order.orderId, error: error instanceof Error ? error.message : String(error) });
  }
}

/** The consumer's work per message: here, a log line in the journey's trace. */
export const processOrderEvent: ProcessMessage<OrderPlaced, OrderEventsBindings> = (event, message) => {
  log('order event processed', { type: event.type, orderId: event.orderId, messageId: message.id, attempts: message.attempts });
};
