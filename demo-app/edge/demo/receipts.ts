/**
 * The demo shop's receipts: the edge files one per placed order in R2 (binding `RECEIPTS`, key
 * `receipts/<order id>.json`), and serves `GET /api/receipts/:orderId` through the Cache API in
 * front of R2 (cache first; on a miss, R2, then the cache for the next reader). The shop page
 * shows the receipt as part of its checkout step, so all three hops are in the journey.
 */
import { traceCache, type CacheLike, type R2BucketLike } from '@journeytrace/edge/bindings';
import type { EdgeTracing } from '@journeytrace/edge';
import type { CartLine } from './cart.js';

/** What a receipt says. */
export interface Receipt {
  orderId: string;
  lines: CartLine[];
  totalCents: number | null;
  placedAt: string;
}

/** The R2 binding as receipts use it (`@cloudflare/workers-types`' `R2Bucket` fits). */
export type ReceiptBucket = R2BucketLike & {
  put(key: string, value: string, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<{ text(): Promise<string> } | null>;
};

/** The Cache API cache as receipts use it (`caches.default` fits). */
export type ReceiptCache = CacheLike & {
  match(request: Request): Promise<Response | undefined>;
  put(request: Request, response: Response): Promise<undefined | unknown>;
};

/** Order ids the origin hands out; anything else is refused before R2 or the cache sees it. */
const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** How long the edge's cache keeps a receipt: it never changes once filed. */
const RECEIPT_MAX_AGE_SECONDS = 300;

/** The worker's default cache (`caches.default`: a Workers addition to the Cache API that dom's types lack). */
export const defaultCache = (): ReceiptCache => (globalThis.caches as unknown as { default: ReceiptCache }).default;

export const isOrderId = (value: string): boolean => ORDER_ID.test(value);
export const receiptKey = (orderId: string): string => `receipts/${orderId}.json`;

/** Files the receipt of a placed order. */
export async function fileReceipt(receipts: ReceiptBucket, receipt: Receipt): Promise<void> {
  await receipts.put(receiptKey(receipt.orderId), JSON.stringify(receipt), { httpMetadata: { contentType: 'application/json' } });
}

const tracedCaches = new WeakMap<EdgeTracing, ReceiptCache>();

/** The worker's default cache, traced, once per tracing (the cache is the isolate's). */
export function receiptCache(cache: ReceiptCache, tracing: EdgeTracing): ReceiptCache {
  let traced = tracedCaches.get(tracing);
  if (!traced) {
    traced = traceCache(cache, 'default', { tracing });
    tracedCaches.set(tracing, traced);
  }
  return traced;
}

/**
 * The receipt's JSON for `url` (the request's own URL is the cache key: one entry per order):
 * from the cache, else from R2 (then cached). `undefined` when no receipt was filed.
 */
export async function readReceipt(url: string, orderId: string, receipts: ReceiptBucket, cache: ReceiptCache): Promise<string | undefined> {
  const key = new Request(url);
  const cached = await cache.match(key);
  if (cached) return cached.text();
  const stored = await receipts.get(receiptKey(orderId));
  if (!stored) return undefined;
  const text = await stored.text();
  await cache.put(key, new Response(text, { headers: { 'content-type': 'application/json', 'cache-control': `public, max-age=${RECEIPT_MAX_AGE_SECONDS}` } }));
  return text;
}
