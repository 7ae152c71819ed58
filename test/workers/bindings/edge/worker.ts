/**
 * A test edge that uses every traced binding once per `GET /journey` (test/journeys/edge-bindings.spec.ts):
 * KV (a hit and a miss), D1 (a table, an insert and a select), R2 (a put and a get), the Cache
 * API (a miss, a put, a hit) and the RECOMMENDATIONS service binding, with only `session.id`
 * and `user.tier` allowed to cross in baggage. `GET /cart` goes to the `Cart` Durable Object: an
 * RPC call that writes its SQL storage, a `fetch` answered by its own Hono app under `trace()`,
 * and an alarm set for a moment later. The cron trigger reads KV in a trace of its own.
 */
/// <reference path="../cloudflare-workers.d.ts" />
import { DurableObject } from 'cloudflare:workers';
import { Hono, type ExecutionContext } from 'hono';
import { trace, tracingFromEnv, type TraceBindings, type TraceVariables } from '@journeytrace/edge';
import {
  setTracedAlarm,
  traceCache,
  traceD1,
  traceDurableObject,
  traceEntrypoint,
  traceScheduled,
  traceSql,
  traceKV,
  traceR2,
  traceService,
  type D1DatabaseLike,
  type KVNamespaceLike,
  type R2BucketLike,
  type ServiceBindingLike,
} from '@journeytrace/edge/bindings';

interface Bindings extends TraceBindings {
  PRICES: KVNamespaceLike & { get(key: string, type: 'json'): Promise<unknown>; put(key: string, value: string): Promise<void> };
  DB: D1DatabaseLike;
  FILES: R2BucketLike & { put(key: string, value: string): Promise<unknown>; get(key: string): Promise<{ text(): Promise<string> } | null> };
  RECOMMENDATIONS: ServiceBindingLike & { topPicks(count: number): Promise<{ picks: string[]; baggageKeys: string[] }> };
  CARTS: { get(id: never): CartStub; getByName(name: string): CartStub };
}

interface CartStub {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  add(sku: string): Promise<number>;
  remindLater(delayMillis: number): Promise<void>;
}

declare const caches: {
  open(name: string): Promise<{
    match(request: Request): Promise<Response | undefined>;
    put(request: Request, response: Response): Promise<void>;
    delete(request: Request): Promise<boolean>;
  }>;
};

const app = new Hono<{ Bindings: Bindings; Variables: TraceVariables }>();
app.get('/health', (c) => c.text('ok'));
app.use(trace());
app.get('/journey', async (c) => {
  const tracing = tracingFromEnv(c.env);
  const run = c.req.query('run') ?? 'run';
  const prices = traceKV(c.env.PRICES, 'PRICES', { tracing });
  const db = traceD1(c.env.DB, 'DB', { tracing });
  const files = traceR2(c.env.FILES, 'FILES', { tracing });
  const cache = traceCache(await caches.open('pages'), 'pages', { tracing });
  const recommendations = traceService(c.env.RECOMMENDATIONS, 'RECOMMENDATIONS', { tracing, baggageKeys: ['session.id', 'user.tier'] });

  await prices.put('price-list', JSON.stringify({ socks: 5 }));
  const priceList = await prices.get('price-list', 'json');
  const missing = await prices.get(`no-such-key-${run}`, 'json');

  await db.exec('CREATE TABLE IF NOT EXISTS carts (id TEXT PRIMARY KEY, owner TEXT)');
  await db.prepare("INSERT OR REPLACE INTO carts (id, owner) VALUES (?, 'ann@example.com')").bind(run).run();
  const cart = await db.prepare('SELECT id FROM carts WHERE id = ?').bind(run).first();

  await files.put(`receipts/${run}.txt`, 'receipt');
  const receipt = await (await files.get(`receipts/${run}.txt`))?.text();

  const page = new Request(`https://cache.test/pages/${run}`);
  const before = await cache.match(page);
  await cache.put(page, new Response('cached', { headers: { 'cache-control': 'max-age=60' } }));
  const after = await cache.match(page);

  const recommended = (await (await recommendations.fetch('https://recommendations/recommendations')).json()) as {
    items: string[];
    receivedBaggage: string | null;
  };
  return c.json({ priceList, missing, cart, receipt, cacheBefore: before !== undefined, cacheAfter: after !== undefined, recommended });
});

app.get('/cart', async (c) => {
  const tracing = tracingFromEnv(c.env);
  const carts = traceDurableObject(c.env.CARTS, 'CARTS', { tracing, baggageKeys: ['session.id'] });
  const cart = carts.getByName(c.req.query('cart') ?? 'cart');
  const items = await cart.add('socks');
  const listed = (await (await cart.fetch('https://cart/items')).json()) as { items: number };
  await cart.remindLater(50);
  const picks = await traceService(c.env.RECOMMENDATIONS, 'RECOMMENDATIONS', { tracing, baggageKeys: ['session.id', 'user.tier'] }).topPicks(2);
  return c.json({ items, listed, picks });
});

/** The cart of one session: SQL storage, an RPC method, a Hono app for `fetch`, and an alarm. */
class CartObject extends DurableObject<TraceBindings> {
  private readonly app = new Hono<{ Bindings: TraceBindings; Variables: TraceVariables }>()
    .use(trace())
    .get('/items', (c) => c.json({ items: this.sql().exec('SELECT COUNT(*) AS n FROM items').one().n }));

  private sql() {
    const sql = traceSql(this.ctx.storage.sql, 'Cart', { tracing: tracingFromEnv(this.env) });
    sql.exec('CREATE TABLE IF NOT EXISTS items (sku TEXT)');
    return sql;
  }

  fetch(request: Request): Promise<Response> | Response {
    // A Durable Object's state has `waitUntil`, which is all `trace()` needs of an ExecutionContext.
    return this.app.fetch(request, this.env, this.ctx as unknown as ExecutionContext);
  }

  async add(sku: string): Promise<number> {
    const sql = this.sql();
    sql.exec('INSERT INTO items (sku) VALUES (?)', sku);
    return Number(sql.exec('SELECT COUNT(*) AS n FROM items').one().n);
  }

  async remindLater(delayMillis: number): Promise<void> {
    await setTracedAlarm(this.ctx.storage, Date.now() + delayMillis, { tracing: tracingFromEnv(this.env) });
  }

  async alarm(): Promise<void> {
    this.sql().exec("UPDATE items SET sku = 'reminded' WHERE sku = 'socks'");
  }
}

export const Cart = traceEntrypoint(CartObject, { name: 'Cart' });

export default {
  fetch: app.fetch,
  scheduled: traceScheduled<Bindings>(async (_controller, env) => {
    await traceKV(env.PRICES, 'PRICES', { tracing: tracingFromEnv(env) }).get('price-list', 'json');
  }),
};
