/**
 * The demo's binding hops, on the run's stack (wrangler dev running the edge and the
 * recommendations Worker in one workerd, the real collector as ground truth): a checkout puts
 * the item in the session's cart (a Durable Object with SQL storage), reads the price list from
 * KV, calls checkout-api, and asks the second Worker behind a service binding what to recommend.
 * One trace: the object's SERVER span (service `cart`) under the edge's CLIENT span to it, its SQL under that,
 * the recommendations Worker's SERVER span under the edge's service-binding CLIENT span, and
 * each hop received only the baggage its allow-list names (the cart `session.id`, the
 * recommendations `user.tier`). The placed order goes into the order log (D1) and its receipt
 * into R2; the page reads the receipt through the edge's Cache API; the edge's cron trigger
 * confirms the order in a span of the same trace. The journey view draws the same hops.
 */
import { absent, expect, test, type SpanSelector } from '@journeytrace/playwright';
import { cronsOf, triggerCron } from '@journeytrace/tooling/stack/cronTrigger.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { join } from 'node:path';
import { checkoutInShop } from './support/shop.js';
import { edgeUrl } from './support/runEnv.js';

const appUrl = () => process.env.JOURNEYTRACE_APP_URL ?? '';

/** One span of each service's batch: once all are in, the trace is whole (each service exports its spans together). */
const WHOLE_JOURNEY: SpanSelector[] = [
  { service: 'shop-web', name: 'checkout' },
  { service: 'edge-worker', name: 'POST /api/checkout', kind: 'SERVER' },
  { service: 'cart', name: 'SELECT Cart' },
  { service: 'recommendations', kind: 'SERVER' },
  { service: 'checkout-api', kind: 'SERVER' },
  { service: 'inventory', kind: 'PRODUCER' },
  { service: 'orders-worker', kind: 'CONSUMER' },
  { service: 'payment', kind: 'SERVER' },
  { service: 'edge-worker', name: 'GET /api/receipts/:orderId', kind: 'SERVER' },
  { service: 'edge-worker', name: 'confirm order' },
];

test('a checkout goes through the cart Durable Object, KV, the recommendations Worker, D1, R2, the Cache API and the cron trigger in ONE trace, baggage cut per hop', async ({
  page,
  journey,
}) => {
  const { result, traceId } = await checkoutInShop(page, appUrl(), 'vip', 'ok');
  await expect(result).toContainText('placed');
  // The recommendations Worker's picks reach the page: a vip sees three.
  await expect(page.locator('[data-testid=recommendations] li')).toHaveText(['grinder', 'travel mug', 'filter papers']);
  const sessionId = await page.evaluate(() => (JSON.parse(localStorage.getItem('journeytrace.session') ?? '{}') as { id?: string }).id);

  // The receipt, read through the edge as part of the checkout step.
  await expect(page.locator('[data-testid=receipt]')).toHaveText(/^Receipt: 1 item, \d+\.\d\d\. $/);
  // Cloudflare runs the cron trigger every minute; the stack's wrangler dev runs it now.
  for (const cron of cronsOf(join(ROOT, 'demo-app/edge/wrangler.toml'))) await triggerCron(edgeUrl(), cron);

  const trace = await journey.trace(traceId, { until: (arrived) => WHOLE_JOURNEY.every((selector) => arrived.findAll(selector).length > 0) });
  const edgeServer = trace.span({ service: 'edge-worker', name: 'POST /api/checkout', kind: 'SERVER' });

  // The cart: edge CLIENT -> the object's SERVER -> its SQL, with the session and without the tier.
  const [, cartClient, cartServer, insert] = trace.expectChain(
    { service: 'edge-worker', name: 'POST /api/checkout', kind: 'SERVER' },
    { service: 'edge-worker', kind: 'CLIENT', attributes: { 'journeytrace.binding.name': 'CARTS', 'http.request.method': 'POST' } },
    { service: 'cart', name: 'POST /items', kind: 'SERVER' },
    { service: 'cart', name: 'INSERT Cart', kind: 'CLIENT', attributes: { 'db.system.name': 'sqlite', 'db.namespace': 'Cart', 'db.operation.name': 'INSERT' } },
  );
  expect(cartClient!.parentSpanId).toBe(edgeServer.spanId);
  expect(cartServer!.attributes['session.id']).toBe(sessionId);
  expect(cartServer!.attributes['user.tier']).toBeUndefined();
  expect(cartServer!.resource['cloud.provider']).toBe('cloudflare');
  // Values stay out: every literal in the query text is a placeholder.
  expect(insert!.attributes['db.query.text']).toBe('INSERT INTO items (sku, quantity) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET quantity = quantity + ?');
  trace.span({ service: 'cart', name: 'SELECT Cart', kind: 'CLIENT', attributes: { 'db.query.text': 'SELECT sku, quantity FROM items ORDER BY sku' } });

  // The price list, read from KV under the edge's SERVER span (a miss on the stack's fresh namespace: the edge quotes from its defaults).
  const priceRead = trace.span({
    service: 'edge-worker',
    name: 'get PRICES',
    kind: 'CLIENT',
    attributes: { 'db.system.name': 'cloudflare.kv', 'db.namespace': 'PRICES', 'db.operation.name': 'get', 'journeytrace.lookup.outcome': /^(hit|miss)$/ },
  });
  expect(priceRead.parentSpanId).toBe(edgeServer.spanId);
  expect(JSON.stringify(priceRead.attributes)).not.toContain('price-list');
  expect(trace.findAll({ service: 'edge-worker', name: 'put PRICES' })).toEqual([]);
  // ... before checkout-api is called.
  const originClient = trace.expectChain(
    { service: 'edge-worker', name: 'POST /api/checkout', kind: 'SERVER' },
    { service: 'edge-worker', kind: 'CLIENT', attributes: { 'journeytrace.binding.name': absent, 'url.full': /\/checkout$/ } },
    { service: 'checkout-api', kind: 'SERVER' },
  )[1]!;
  expect(priceRead.endMillis).toBeLessThanOrEqual(originClient.startMillis);

  // The recommendations Worker: its SERVER span under the edge's service-binding CLIENT span, with the tier only.
  const [, recommendationsClient, recommendationsServer] = trace.expectChain(
    { service: 'edge-worker', name: 'POST /api/checkout', kind: 'SERVER' },
    { service: 'edge-worker', kind: 'CLIENT', attributes: { 'journeytrace.binding.name': 'RECOMMENDATIONS', 'http.request.method': 'GET' } },
    { service: 'recommendations', name: 'GET /for-cart', kind: 'SERVER' },
  );
  expect(recommendationsServer!.resource['cloud.provider']).toBe('cloudflare');
  expect(recommendationsServer!.attributes).toMatchObject({ 'user.tier': 'vip', 'http.response.status_code': 200 });
  expect(recommendationsServer!.attributes['session.id']).toBeUndefined();
  expect(recommendationsClient!.startMillis).toBeGreaterThanOrEqual(originClient.endMillis);
  // The order log (D1): the placed order's row, under the checkout, after checkout-api placed it; no values in the text.
  const orderId = (await result.textContent())?.match(/Order (\S+) placed/)?.[1];
  const logged = trace.span({
    service: 'edge-worker',
    name: 'INSERT ORDER_LOG',
    kind: 'CLIENT',
    attributes: {
      'db.system.name': 'sqlite',
      'db.namespace': 'ORDER_LOG',
      'db.operation.name': 'INSERT',
      'db.query.text': /^INSERT INTO orders \(.*\) VALUES \(\?, \?, \?, \?\)$/,
    },
  });
  expect(logged.parentSpanId).toBe(edgeServer.spanId);
  expect(logged.startMillis).toBeGreaterThanOrEqual(originClient.endMillis);
  // The receipt (R2), filed under the checkout; the key (it names the order) is not recorded.
  const filed = trace.span({
    service: 'edge-worker',
    name: 'put RECEIPTS',
    kind: 'CLIENT',
    attributes: { 'db.system.name': 'cloudflare.r2', 'db.namespace': 'RECEIPTS' },
  });
  expect(filed.parentSpanId).toBe(edgeServer.spanId);
  expect(JSON.stringify(filed.attributes)).not.toContain(orderId!);

  // The page's receipt read: browser CLIENT -> edge SERVER -> the Cache API (a miss: the order is new) -> R2 -> the cache filled.
  const [, receiptServer, cacheMatch] = trace.expectChain(
    { service: 'shop-web', kind: 'CLIENT', attributes: { 'url.full': /\/api\/receipts\// } },
    { service: 'edge-worker', name: 'GET /api/receipts/:orderId', kind: 'SERVER' },
    {
      service: 'edge-worker',
      name: 'match default',
      kind: 'CLIENT',
      attributes: { 'db.system.name': 'cloudflare.cache', 'journeytrace.lookup.outcome': 'miss' },
    },
  );
  const receiptRead = trace.span({ service: 'edge-worker', name: 'get RECEIPTS', attributes: { 'journeytrace.lookup.outcome': 'hit' } });
  const cachePut = trace.span({ service: 'edge-worker', name: 'put default', attributes: { 'db.system.name': 'cloudflare.cache', 'db.namespace': 'default' } });
  for (const span of [receiptRead, cachePut]) expect(span.parentSpanId).toBe(receiptServer!.spanId);
  expect(cacheMatch!.endMillis).toBeLessThanOrEqual(receiptRead.startMillis);
  expect(receiptRead.endMillis).toBeLessThanOrEqual(cachePut.startMillis);
  expect(JSON.stringify([cacheMatch!.attributes, cachePut.attributes])).not.toContain(orderId!);

  // The cron trigger: its `confirm order` span continues this journey under the checkout's SERVER
  // span (the context stored with the row), linked to the cron run (a trace of its own), and its
  // D1 update is under it.
  const confirmed = trace.span({ service: 'edge-worker', name: 'confirm order', kind: 'INTERNAL', attributes: { 'order.id': orderId! } });
  expect(confirmed.parentSpanId).toBe(edgeServer.spanId);
  expect(confirmed.spanLinks?.map((link) => link.traceId).filter((linked) => linked !== traceId)).toHaveLength(1);
  trace.span({
    service: 'edge-worker',
    name: 'UPDATE ORDER_LOG',
    attributes: { 'db.namespace': 'ORDER_LOG', 'db.query.text': 'UPDATE orders SET confirmed_at = ? WHERE order_id = ?' },
  });
  expect(trace.findAll({ service: 'edge-worker', name: 'UPDATE ORDER_LOG' }).map((span) => span.parentSpanId)).toEqual([confirmed.spanId]);
  // The row kept the session and the (verified) tier with the context: the cron's span carries them as the checkout's do.
  expect(confirmed.attributes).toMatchObject({ 'session.id': sessionId, 'user.tier': 'vip' });
  trace.expectNoOrphans();
  trace.expectNoErrors();

  // The journey view draws these hops too.
  await page.locator('[data-testid=journey-link]').click();
  const rows = page.locator('[data-testid=span-row]');
  for (const span of [cartServer!, insert!, priceRead, recommendationsClient!, recommendationsServer!, logged, filed, cacheMatch!, receiptRead, confirmed]) {
    const spanId = span.spanId;
    await expect(rows.and(page.locator(`[data-span-id="${spanId}"]`))).toBeVisible({ timeout: 30_000 });
  }
  await expect(rows.and(page.locator(`[data-span-id="${recommendationsServer!.spanId}"]`))).toHaveAttribute('data-service', 'recommendations');
});
