/**
 * The demo's binding hops, on the run's stack (wrangler dev running the edge and the
 * recommendations Worker in one workerd, the real collector as ground truth): a checkout puts
 * the item in the session's cart (a Durable Object with SQL storage), reads the price list from
 * KV, calls checkout-api, and asks the second Worker behind a service binding what to recommend.
 * One trace: the object's SERVER span (service `cart`) under the edge's CLIENT span to it, its SQL under that,
 * the recommendations Worker's SERVER span under the edge's service-binding CLIENT span, and
 * each hop received only the baggage its allow-list names (the cart `session.id`, the
 * recommendations `user.tier`). The journey view draws the same hops.
 */
import { absent, expect, test, type SpanSelector } from '@journeytrace/playwright';
import { checkoutInShop } from './support/shop.js';

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
];

test('a checkout goes through the cart Durable Object, the KV price list and the recommendations Worker in ONE trace, baggage cut per hop', async ({
  page,
  journey,
}) => {
  const { result, traceId } = await checkoutInShop(page, appUrl(), 'vip', 'ok');
  await expect(result).toContainText('placed');
  // The recommendations Worker's picks reach the page: a vip sees three.
  await expect(page.locator('[data-testid=recommendations] li')).toHaveText(['grinder', 'travel mug', 'filter papers']);
  const sessionId = await page.evaluate(() => (JSON.parse(localStorage.getItem('journeytrace.session') ?? '{}') as { id?: string }).id);

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
  trace.expectNoOrphans();
  trace.expectNoErrors();

  // The journey view draws these hops too.
  await page.locator('[data-testid=journey-link]').click();
  const rows = page.locator('[data-testid=span-row]');
  for (const spanId of [cartServer!.spanId, insert!.spanId, priceRead.spanId, recommendationsClient!.spanId, recommendationsServer!.spanId]) {
    await expect(rows.and(page.locator(`[data-span-id="${spanId}"]`))).toBeVisible({ timeout: 30_000 });
  }
  await expect(rows.and(page.locator(`[data-span-id="${recommendationsServer!.spanId}"]`))).toHaveAttribute('data-service', 'recommendations');
});
