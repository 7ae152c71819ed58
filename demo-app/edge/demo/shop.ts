/**
 * The demo shop's steps around the checkout at the edge, each through a traced binding: the
 * session's cart lives in a Durable Object (`CARTS`, which receives only `session.id` in
 * baggage), the price list in KV (`PRICES`), a second Worker behind a service binding
 * (`RECOMMENDATIONS`, which receives only `user.tier`) picks what to show next, placed orders go
 * into the order log in D1 (`ORDER_LOG`, demo/orderLog.ts) and their receipts into R2
 * (`RECEIPTS`, demo/receipts.ts). A worker without one of these bindings skips its step; a
 * failing step never fails the checkout.
 */
import { context, propagation } from '@opentelemetry/api';
import { tracedBindings, type DurableObjectNamespaceLike, type ServiceBindingLike, type TracedBindingsVariables } from '@journeytrace/edge/bindings';
import { log } from '@journeytrace/contract';
import type { CartLine } from './cart.js';
import { readPriceList, totalCents, type PriceListKV } from './priceList.js';
import { logOrder, type OrderLogDatabase } from './orderLog.js';
import { fileReceipt, isOrderId, type ReceiptBucket } from './receipts.js';
import type { EdgeTracing } from '@journeytrace/edge';

/** A cart stub: what `CARTS.getByName(session)` answers (`fetch` reaches the object's Hono app). */
interface CartStub {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

export interface ShopBindings {
  /** Durable Object namespace of the `Cart` class (wrangler.toml `[[durable_objects.bindings]]`). */
  CARTS?: DurableObjectNamespaceLike & { getByName(name: string): CartStub };
  /** KV namespace holding the price list (wrangler.toml `[[kv_namespaces]]`). */
  PRICES?: PriceListKV;
  /** The recommendations Worker (wrangler.toml `[[services]]`). */
  RECOMMENDATIONS?: ServiceBindingLike;
  /** D1 database of the order log (wrangler.toml `[[d1_databases]]`). */
  ORDER_LOG?: OrderLogDatabase;
  /** R2 bucket of the receipts (wrangler.toml `[[r2_buckets]]`). */
  RECEIPTS?: ReceiptBucket;
}

export type ShopBindingNames = 'CARTS' | 'PRICES' | 'RECOMMENDATIONS' | 'ORDER_LOG' | 'RECEIPTS';
export type ShopVariables = TracedBindingsVariables<ShopBindings, ShopBindingNames>;
type Shop = ShopVariables['bindings'];

/** The item the demo's checkout button buys (checkout-api places the same one). */
export const CHECKOUT_SKU = 'sku-espresso-beans';
/** The cart of a request without a session (no `session.id` in baggage). */
const ANONYMOUS_CART = 'anonymous';

/**
 * `c.var.bindings`: the shop's bindings traced, each hop's baggage cut to what it needs: the
 * cart is the session's, the recommendations depend on the tier only.
 */
export const shopBindings = tracedBindings<ShopBindings, ShopBindingNames>({
  CARTS: { kind: 'durableObject', baggageKeys: ['session.id'] },
  PRICES: 'kv',
  RECOMMENDATIONS: { kind: 'service', baggageKeys: ['user.tier'] },
  ORDER_LOG: 'd1',
  RECEIPTS: 'r2',
});

/** The cart after adding one item, priced from the price list. */
export interface CartQuote {
  lines: CartLine[];
  totalCents: number;
}

export const failed = (step: string) => (error: unknown) => {
  log(`${step} failed`, { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  return undefined;
};

/** Adds `sku` to the session's cart (Durable Object) and prices it (KV); undefined when either is missing or fails. */
export async function addToCart(shop: Shop, sku: string): Promise<CartQuote | undefined> {
  if (!shop.CARTS || !shop.PRICES) return undefined;
  const session = propagation.getBaggage(context.active())?.getEntry('session.id')?.value ?? ANONYMOUS_CART;
  const cart = shop.CARTS.getByName(session);
  const prices = shop.PRICES;
  return (async () => {
    const response = await cart.fetch('https://cart/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku }) });
    if (!response.ok) throw new Error(`cart answered HTTP ${response.status}`);
    const { lines } = (await response.json()) as { lines: CartLine[] };
    return { lines, totalCents: totalCents(lines, await readPriceList(prices)) };
  })().catch(failed('cart'));
}

/** What the recommendations Worker picks for the cart; empty when it is missing or fails. */
export async function recommendationsFor(shop: Shop, lines: readonly CartLine[]): Promise<string[]> {
  if (!shop.RECOMMENDATIONS) return [];
  const skus = encodeURIComponent(lines.map((line) => line.sku).join(','));
  const recommendations = shop.RECOMMENDATIONS;
  return (async () => {
    const response = await recommendations.fetch(`https://recommendations/for-cart?skus=${skus}`);
    if (!response.ok) throw new Error(`recommendations answered HTTP ${response.status}`);
    return ((await response.json()) as { items: string[] }).items;
  })().catch((error: unknown) => failed('recommendations')(error) ?? []);
}

/**
 * Records a placed order: a row in the order log (D1, with the journey's trace context, which
 * the cron trigger continues) and its receipt in R2. `env` holds the bindings as they are (the
 * log's schema is kept up through them, untraced). Never fails the checkout.
 */
export async function recordOrder(shop: Shop, env: ShopBindings, orderId: string, cart: CartQuote | undefined, tracing: EdgeTracing): Promise<void> {
  const totalCents = cart?.totalCents ?? null;
  if (shop.ORDER_LOG && env.ORDER_LOG) await logOrder(shop.ORDER_LOG, env.ORDER_LOG, { orderId, totalCents }, tracing).catch(failed('order log'));
  if (shop.RECEIPTS && isOrderId(orderId)) {
    const lines = cart?.lines ?? [{ sku: CHECKOUT_SKU, quantity: 1 }];
    await fileReceipt(shop.RECEIPTS, { orderId, lines, totalCents, placedAt: new Date().toISOString() }).catch(failed('receipt'));
  }
}
