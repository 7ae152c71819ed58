/**
 * The example of edge-worker/README.md, "Bindings": kept here so the root type-check compiles
 * it (keep the two in step). The Env types are structural; with @cloudflare/workers-types use
 * `KVNamespace`, `D1Database`, `DurableObjectNamespace<Cart>`, `Fetcher` instead.
 */
/// <reference path="./cloudflare-workers.d.ts" />
// README: begin
import { Hono } from 'hono';
import { DurableObject } from 'cloudflare:workers';
import { trace, tracingFromEnv, type TraceBindings, type TraceVariables } from '@journeytrace/edge';
import {
  setTracedAlarm,
  traceD1,
  traceDurableObject,
  traceEntrypoint,
  traceKV,
  traceScheduled,
  traceService,
  traceSql,
  tracedBindings,
  type D1DatabaseLike,
  type KVNamespaceLike,
  type ServiceBindingLike,
  type TracedBindingsVariables,
} from '@journeytrace/edge/bindings';

interface Env extends TraceBindings {
  PRICES: KVNamespaceLike & { get(key: string, type: 'json'): Promise<unknown> };
  DB: D1DatabaseLike;
  CARTS: { get(id: never): CartStub; getByName(name: string): CartStub };
  RECOMMENDATIONS: ServiceBindingLike;
}
interface CartStub {
  add(sku: string): Promise<number>;
}

const app = new Hono<{ Bindings: Env; Variables: TraceVariables }>();
app.use(trace());
app.post('/api/cart/:sku', async (c) => {
  const tracing = tracingFromEnv(c.env); // the tracing trace() uses by default
  const prices = traceKV(c.env.PRICES, 'PRICES', { tracing });
  const db = traceD1(c.env.DB, 'DB', { tracing });
  const carts = traceDurableObject(c.env.CARTS, 'CARTS', { tracing, baggageKeys: ['session.id'] });
  const recommendations = traceService(c.env.RECOMMENDATIONS, 'RECOMMENDATIONS', { tracing, baggageKeys: ['session.id', 'user.tier'] });

  const priceList = await prices.get('price-list', 'json'); // CLIENT span `get PRICES`, hit or miss
  const stock = await db.prepare('SELECT stock FROM items WHERE sku = ?').bind(c.req.param('sku')).first(); // `SELECT DB`
  const items = await carts.getByName('session-42').add(c.req.param('sku')); // `CARTS/add` -> `Cart/add` in the object
  const picks = await recommendations.fetch('https://recommendations/for-cart'); // `GET` -> the bound Worker's SERVER span
  return c.json({ priceList, stock, items, picks: await picks.json() });
});

class CartObject extends DurableObject<Env> {
  async add(sku: string): Promise<number> {
    const sql = traceSql(this.ctx.storage.sql, 'Cart', { tracing: tracingFromEnv(this.env) });
    sql.exec('INSERT INTO items (sku) VALUES (?)', sku); // `INSERT Cart`, under `Cart/add`
    await setTracedAlarm(this.ctx.storage, Date.now() + 3_600_000, { tracing: tracingFromEnv(this.env) });
    return Number(sql.exec('SELECT COUNT(*) AS n FROM items').one().n);
  }
  async alarm(): Promise<void> {
    // `alarm Cart`: in the trace of the call that set it, linked to it
  }
}
export const Cart = traceEntrypoint(CartObject, { name: 'Cart' });

export default {
  fetch: app.fetch,
  scheduled: traceScheduled<Env>(async (_controller, env) => {
    await traceKV(env.PRICES, 'PRICES', { tracing: tracingFromEnv(env) }).get('price-list', 'json'); // under `cron <expression>`
  }),
};
// README: end

// README (tracedBindings): begin
{
  const app = new Hono<{ Bindings: Env; Variables: TracedBindingsVariables<Env, 'PRICES' | 'DB'> }>();
  app.use(trace());
  app.use(tracedBindings<Env, 'PRICES' | 'DB'>({ PRICES: 'kv', DB: 'd1' }, { baggageKeys: ['session.id'] }));
  app.get('/prices', async (c) => c.json(await c.var.bindings.PRICES.get('price-list', 'json')));
}
// README (tracedBindings): end
