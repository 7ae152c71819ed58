/**
 * The journeytrace edge worker: the demo shop's API gateway on Cloudflare Workers.
 * It continues the browser's journey and calls the origin with the context injected.
 */
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { sessionTokenVerifier, trace, traceCors, tracingFromEnv, type TraceBindings, type TraceVariables } from '@journeytrace/edge';
import { log } from '@journeytrace/contract';
import { traceContextConformance } from './conformance/index.js';
import { demoSignIn } from './demo/signIn.js';
import { sessionSecretFor } from './demo/sessionSecret.js';
import { isLoopbackUrl } from './net/isLoopbackUrl.js';
import { landingPage } from './demo/landingPage.js';
import { processOrderEvent, publishOrderPlaced, type OrderEventsBindings } from './demo/orderEvents.js';
import { traceQueueConsumer } from '@journeytrace/edge/queue';
import { traceD1, traceScheduled } from '@journeytrace/edge/bindings';
import { otlpRelay, type RelayBindings } from '@journeytrace/edge/relay';
import { addToCart, CHECKOUT_SKU, recommendationsFor, recordOrder, shopBindings, type ShopBindings, type ShopVariables } from './demo/shop.js';
import { defaultCache, isOrderId, readReceipt, receiptCache } from './demo/receipts.js';
import { confirmOpenOrders } from './demo/orderLog.js';
// The durable spill behind the span exporter and the relay (binding JOURNEYTRACE_SPILL in wrangler.toml).
export { JourneytraceSpill } from '@journeytrace/edge/spill';

export interface EdgeBindings extends TraceBindings, RelayBindings, OrderEventsBindings, ShopBindings {
  /** Base URL of the checkout API. */
  ORIGIN_URL: string;
  /** Comma-separated browser origins allowed to call the edge (the demo app's). */
  ALLOWED_ORIGINS: string;
  /**
   * HMAC secret for session tokens: `wrangler secret put` in production; the local stack passes a
   * public development value, which the worker refuses outside local dev (demo/sessionSecret.ts).
   */
  SESSION_SECRET?: string;
  /** `1` serves the W3C trace-context test endpoint (the tests' configuration only; never in wrangler.toml). */
  EDGE_CONFORMANCE?: string;
  /** `1` serves the demo's sign-in, which signs anyone in (the demo's configuration only; never in wrangler.toml). */
  EDGE_DEMO_SIGN_IN?: string;
  /** How long the edge waits for the origin, in ms. Default 10000. */
  ORIGIN_TIMEOUT_MS?: string;
}

const DEFAULT_ORIGIN_TIMEOUT_MILLIS = 10_000;

// user.tier and enduser.id in baggage are claims; only a signed session token makes them facts.
const verifyUser = sessionTokenVerifier<EdgeBindings>({ secret: (env, request) => sessionSecretFor(env, request) });

type Env = { Bindings: EdgeBindings; Variables: TraceVariables & ShopVariables };
const app = new Hono<Env>();

/** A route that exists only when the binding `name` is `1` (set by a test or demo run, never deployed); else 404. */
const onlyWith = (name: 'EDGE_CONFORMANCE' | 'EDGE_DEMO_SIGN_IN') =>
  createMiddleware<Env>(async function onlyWith(c, next) {
    return c.env[name] === '1' ? next() : c.notFound();
  });

// Registered before the middleware: readiness probes make no traces.
app.get('/health', (c) => c.text('ok'));

// The W3C trace-context suite calls back to its harness, on loopback: its own trace(), propagating there.
app.post('/__conformance/trace-context', onlyWith('EDGE_CONFORMANCE'), trace({ propagateTo: isLoopbackUrl }), traceContextConformance);

app.use(traceCors({ origins: (c) => splitOrigins(c.env.ALLOWED_ORIGINS), allowHeaders: ['content-type', 'content-encoding', 'authorization'] }));
// Browser spans, relayed to the collector; before trace(): relaying makes no spans that would loop back.
app.post(
  '/v1/traces',
  otlpRelay<EdgeBindings>((env) => ({ allowedOrigins: splitOrigins(env.JOURNEYTRACE_RELAY_ALLOWED_ORIGINS ?? env.ALLOWED_ORIGINS) })),
);
app.use(trace<EdgeBindings>((env) => ({ propagateTo: [env.ORIGIN_URL], verifyUser })));
// The cart (Durable Object), the price list (KV), the recommendations Worker, the order log (D1)
// and the receipts (R2), traced (demo/shop.ts).
app.use('/api/checkout', shopBindings);
app.use('/api/receipts/*', shopBindings);

app.post('/api/session', onlyWith('EDGE_DEMO_SIGN_IN'), demoSignIn);
app.get('/', landingPage);

app.post('/api/checkout', async (c) => {
  const body = await c.req.json<{ scenario?: string }>().catch(() => ({ scenario: undefined }));
  // Before the origin: the item goes into the session's cart, quoted from the price list.
  const cart = await addToCart(c.var.bindings, CHECKOUT_SKU);
  let response: Response;
  try {
    response = await c.var.tracedFetch(new URL('/checkout', c.env.ORIGIN_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: body.scenario ?? 'ok' }),
      signal: AbortSignal.timeout(originTimeoutMillis(c.env.ORIGIN_TIMEOUT_MS)),
    });
  } catch (error) {
    // The CLIENT span holds the exception; the page gets a clear answer, not a hang.
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    log('origin call failed', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return c.json({ ok: false, error: timedOut ? 'origin_timeout' : 'origin_unavailable' }, timedOut ? 504 : 502);
  }
  log('checkout forwarded', { status: response.status });
  if (!response.ok) return new Response(response.body, { status: response.status, headers: { 'content-type': 'application/json' } });
  await publishOrderPlaced(c, response);
  const order = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  // The order log (D1) and the receipt (R2), which the page reads next through the edge's cache.
  if (typeof order.orderId === 'string') await recordOrder(c.var.bindings, c.env, order.orderId, cart, tracingFromEnv(c.env));
  // The page's "you may also like", from the second Worker behind the service binding.
  const recommendations = await recommendationsFor(c.var.bindings, cart?.lines ?? [{ sku: CHECKOUT_SKU, quantity: 1 }]);
  return c.json({ ...order, ...(cart ? { cart } : {}), recommendations }, response.status as 200);
});

// The receipt of a placed order: the Cache API first, then R2 (demo/receipts.ts).
app.get('/api/receipts/:orderId', async (c) => {
  const orderId = c.req.param('orderId');
  if (!isOrderId(orderId)) return c.json({ error: 'bad_order_id' }, 400);
  const receipts = c.var.bindings.RECEIPTS;
  if (!receipts) return c.json({ error: 'no_receipt' }, 404);
  const receipt = await readReceipt(c.req.url, orderId, receipts, receiptCache(defaultCache(), tracingFromEnv(c.env)));
  return receipt === undefined ? c.json({ error: 'no_receipt' }, 404) : c.body(receipt, 200, { 'content-type': 'application/json' });
});

app.onError((error, c) => c.json({ error: 'edge_error', message: error.message }, 502));

function originTimeoutMillis(value: string | undefined): number {
  const millis = Number(value);
  return value && Number.isFinite(millis) && millis > 0 ? millis : DEFAULT_ORIGIN_TIMEOUT_MILLIS;
}

function splitOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

// The session carts' Durable Object class (wrangler.toml `[[durable_objects.bindings]]`).
export { Cart } from './demo/cart.js';

export default {
  fetch: app.fetch,
  // Order events continue in their journey's trace (demo/orderEvents.ts).
  queue: traceQueueConsumer(processOrderEvent),
  // The cron trigger (wrangler.toml `[triggers]`) confirms open orders, each in its journey's trace (demo/orderLog.ts).
  scheduled: traceScheduled<EdgeBindings>(async (_controller, env) => {
    if (env.ORDER_LOG) await confirmOpenOrders(traceD1(env.ORDER_LOG, 'ORDER_LOG', { tracing: tracingFromEnv(env) }), env.ORDER_LOG, tracingFromEnv(env));
  }),
};
