/**
 * The demo shop's price list, kept in Workers KV (binding `PRICES`, key `price-list`): the edge
 * reads it before calling checkout-api to quote the cart. The shop's back office would write it
 * (`wrangler kv key put price-list '{"sku-espresso-beans":1890}' --binding PRICES`); until then
 * (a fresh `wrangler dev` starts empty) the edge quotes from the defaults and writes nothing, so
 * every checkout makes the same spans.
 */
import type { KVNamespaceLike } from '@journeytrace/edge/bindings';

/** Price in cents, by SKU. */
export type PriceList = Record<string, number>;

export const PRICE_LIST_KEY = 'price-list';

export const DEFAULT_PRICE_LIST: PriceList = { 'sku-espresso-beans': 1890, 'sku-grinder': 8900, 'sku-filter-papers': 450, 'sku-travel-mug': 1600 };

/** The KV binding as the demo uses it (`@cloudflare/workers-types`' `KVNamespace` fits). */
export type PriceListKV = KVNamespaceLike & {
  get(key: string, type: 'json'): Promise<unknown>;
};

/** A stored price list is used only when every price is a whole, non-negative number of cents. */
function isPriceList(value: unknown): value is PriceList {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every((cents) => Number.isSafeInteger(cents) && (cents as number) >= 0);
}

/** The stored price list; the defaults when there is none, it is malformed or KV fails. */
export async function readPriceList(prices: PriceListKV): Promise<PriceList> {
  const stored = await prices.get(PRICE_LIST_KEY, 'json').catch(() => null);
  return isPriceList(stored) ? stored : DEFAULT_PRICE_LIST;
}

/** The cart's total in cents; an item the list does not price counts nothing (the origin prices the order). */
export function totalCents(lines: readonly { sku: string; quantity: number }[], priceList: PriceList): number {
  // Own entries only: a SKU such as `constructor` must not find Object.prototype's.
  return lines.reduce((sum, line) => sum + (Object.hasOwn(priceList, line.sku) ? priceList[line.sku]! : 0) * line.quantity, 0);
}
