/**
 * The demo shop's order log, in D1 (binding `ORDER_LOG`): the edge records each placed order
 * with the journey's trace context and its session and tier (no other baggage: the row outlives
 * the request), and a cron
 * trigger confirms the orders still open, each in its own journey's trace (`inCarriedTrace`),
 * so "when was my order confirmed" shows in the checkout's waterfall.
 */
import { log } from '@journeytrace/contract';
import { carryContext, inCarriedTrace, type D1DatabaseLike, type D1PreparedStatementLike } from '@journeytrace/edge/bindings';
import type { EdgeTracing } from '@journeytrace/edge';

/** The D1 binding as the order log uses it (`@cloudflare/workers-types`' `D1Database` fits). */
export interface OrderLogDatabase extends D1DatabaseLike {
  prepare(query: string): OrderLogStatement;
}
interface OrderLogStatement extends D1PreparedStatementLike {
  bind(...values: unknown[]): OrderLogStatement;
  all(): Promise<{ results: Record<string, unknown>[] }>;
}

/** A placed order, as the log records it. */
export interface LoggedOrder {
  orderId: string;
  totalCents: number | null;
}

/**
 * The baggage the row keeps: the journey's spans at the edge carry the session and the tier
 * (CONTRACT), the confirmation's too. The tier was verified before the row was written.
 */
const CARRIED_BAGGAGE = ['session.id', 'user.tier'];
/** `order.id`: the order a span worked on (as checkout-api and orders-worker name it). */
export const ATTR_ORDER_ID = 'order.id';
/** Orders one cron run confirms at most: a backlog is worked off over several runs, each bounded. */
export const CONFIRM_BATCH_SIZE = 20;

const SCHEMA =
  'CREATE TABLE IF NOT EXISTS orders (order_id TEXT PRIMARY KEY, total_cents INTEGER, placed_at TEXT NOT NULL, trace_context TEXT, confirmed_at TEXT)';
const schemaReady = new WeakMap<object, Promise<unknown>>();

/**
 * Creates the table once per database binding and isolate, through the binding as it is
 * (untraced: schema upkeep is not a step of anyone's journey). A failure is retried next time.
 */
export function ensureOrderLog(database: D1DatabaseLike): Promise<unknown> {
  let ready = schemaReady.get(database);
  if (!ready) {
    ready = database.exec(SCHEMA).catch((error: unknown) => {
      schemaReady.delete(database);
      throw error;
    });
    schemaReady.set(database, ready);
  }
  return ready;
}

/** Records a placed order (`orderLog` traced, `rawOrderLog` the binding for the schema), with the active trace context. */
export async function logOrder(orderLog: OrderLogDatabase, rawOrderLog: D1DatabaseLike, order: LoggedOrder, tracing: EdgeTracing): Promise<void> {
  await ensureOrderLog(rawOrderLog);
  await orderLog
    .prepare('INSERT INTO orders (order_id, total_cents, placed_at, trace_context) VALUES (?, ?, ?, ?)')
    .bind(order.orderId, order.totalCents, new Date().toISOString(), JSON.stringify(carryContext({ tracing, baggageKeys: CARRIED_BAGGAGE })))
    .run();
}

/**
 * The cron trigger's work: confirms the open orders (oldest first, at most `CONFIRM_BATCH_SIZE`),
 * each in a `confirm order` span of its journey's trace, linked to this run. One order failing
 * is logged and left open for the next run; the others go on.
 */
export async function confirmOpenOrders(orderLog: OrderLogDatabase, rawOrderLog: D1DatabaseLike, tracing: EdgeTracing): Promise<number> {
  await ensureOrderLog(rawOrderLog);
  const { results } = await orderLog
    .prepare('SELECT order_id, trace_context FROM orders WHERE confirmed_at IS NULL ORDER BY placed_at LIMIT ?')
    .bind(CONFIRM_BATCH_SIZE)
    .all();
  let confirmed = 0;
  for (const row of results) {
    const orderId = String(row.order_id);
    try {
      await inCarriedTrace(
        row.trace_context,
        { name: 'confirm order', attributes: { [ATTR_ORDER_ID]: orderId } },
        () => orderLog.prepare('UPDATE orders SET confirmed_at = ? WHERE order_id = ?').bind(new Date().toISOString(), orderId).run(),
        { tracing },
      );
      confirmed += 1;
    } catch (error) {
      log('order not confirmed', { orderId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return confirmed;
}
