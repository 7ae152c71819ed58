import type http from 'node:http';
import { trace } from '@opentelemetry/api';
import { markError } from '../shared/messaging.js';
import { readJson, sendJson, serveJson } from '../shared/http.js';
import { log } from '../shared/telemetry.js';
import type { InventoryClient, ReserveReply } from '../inventory/grpc.js';
import type { OrderStore } from './orders.js';

/** What the shop's checkout scenarios do: `error` fails at payment, `slow` takes > 500 ms here. */
export type Scenario = 'ok' | 'error' | 'slow';

export const SLOW_DELAY_MILLIS = 650;
/** How long checkout waits for the orders worker to report the payment outcome. */
export const ORDER_OUTCOME_WAIT_MILLIS = 10_000;

export interface CheckoutApiOptions {
  port: number;
  inventory: InventoryClient;
  /** Where the orders worker posts each order's outcome (its `/results` board). */
  ordersWorkerUrl: string;
  orders: OrderStore;
}

/**
 * POST /checkout: reserve stock at inventory (gRPC), which publishes OrderCreated; store the
 * order (SQLite); the orders worker charges the payment service and posts the outcome, which
 * checkout waits for and records.
 */
export function startCheckoutApi(options: CheckoutApiOptions): Promise<http.Server> {
  return serveJson(options.port, async (request, response, url) => {
    if (request.method !== 'POST' || url.pathname !== '/checkout') return sendJson(response, 404, { error: 'not_found' });
    const scenario = parseScenario(await readJson(request));
    log('checkout started', { scenario });
    if (scenario === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_DELAY_MILLIS));

    const item = { sku: 'sku-espresso-beans', quantity: 1, amountCents: 1890 };
    const reservation = await reserve(options.inventory, { ...item, scenario });
    options.orders.add({ id: reservation.orderId, ...item });
    const outcome = await awaitOutcome(options.ordersWorkerUrl, reservation.orderId);
    options.orders.setStatus(reservation.orderId, outcome.ok ? 'paid' : 'failed');
    const span = trace.getActiveSpan();
    span?.setAttribute('order.id', reservation.orderId);
    if (!outcome.ok) {
      if (span) markError(span, new Error(`order ${reservation.orderId} failed: ${outcome.error}`));
      log('checkout failed', { scenario, orderId: reservation.orderId, error: outcome.error });
      return sendJson(response, 502, { ok: false, error: outcome.error, orderId: reservation.orderId });
    }
    log('checkout done', { scenario, orderId: reservation.orderId });
    sendJson(response, 200, { ok: true, orderId: reservation.orderId });
  });
}

function parseScenario(body: unknown): Scenario {
  const value = (body as { scenario?: unknown } | undefined)?.scenario;
  return value === 'error' || value === 'slow' ? value : 'ok';
}

function reserve(inventory: InventoryClient, request: Parameters<InventoryClient['reserve']>[0]): Promise<ReserveReply> {
  return new Promise((resolve, reject) =>
    inventory.reserve(request, (error, reply) => (error || !reply ? reject(error ?? new Error('empty reply')) : resolve(reply))),
  );
}

async function awaitOutcome(ordersWorkerUrl: string, orderId: string): Promise<{ ok: boolean; error?: string }> {
  const response = await fetch(`${ordersWorkerUrl}/results/${orderId}?waitMs=${ORDER_OUTCOME_WAIT_MILLIS}`);
  if (response.status === 204) return { ok: false, error: 'order_timeout' };
  if (!response.ok) return { ok: false, error: `orders_worker_http_${response.status}` };
  return (await response.json()) as { ok: boolean; error?: string };
}
