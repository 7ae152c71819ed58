/**
 * A test edge that uses every traced binding once per `GET /journey` (test/journeys/edge-bindings.spec.ts):
 * KV (a hit and a miss), D1 (a table, an insert and a select), R2 (a put and a get), the Cache
 * API (a miss, a put, a hit) and the RECOMMENDATIONS service binding, with only `session.id`
 * and `user.tier` allowed to cross in baggage.
 */
import { Hono } from 'hono';
import { trace, tracingFromEnv, type TraceBindings, type TraceVariables } from '../../../../edge-worker/src/index.js';
import {
  traceCache,
  traceD1,
  traceKV,
  traceR2,
  traceService,
  type D1DatabaseLike,
  type KVNamespaceLike,
  type R2BucketLike,
  type ServiceBindingLike,
} from '../../../../edge-worker/src/bindings/index.js';

interface Bindings extends TraceBindings {
  PRICES: KVNamespaceLike & { get(key: string, type: 'json'): Promise<unknown>; put(key: string, value: string): Promise<void> };
  DB: D1DatabaseLike;
  FILES: R2BucketLike & { put(key: string, value: string): Promise<unknown>; get(key: string): Promise<{ text(): Promise<string> } | null> };
  RECOMMENDATIONS: ServiceBindingLike;
}

declare const caches: { open(name: string): Promise<{ match(request: Request): Promise<Response | undefined>; put(request: Request, response: Response): Promise<void>; delete(request: Request): Promise<boolean> }> };

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

  const recommended = (await (await recommendations.fetch('https://recommendations/recommendations')).json()) as { items: string[]; receivedBaggage: string | null };
  return c.json({ priceList, missing, cart, receipt, cacheBefore: before !== undefined, cacheAfter: after !== undefined, recommended });
});

export default app;
