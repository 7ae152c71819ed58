/**
 * The demo's second Worker, behind the edge's `RECOMMENDATIONS` service binding: it answers the
 * "you may also like" part of the checkout page. Its `trace()` continues the edge's trace in a
 * SERVER span under the edge's CLIENT span. The edge lets only `user.tier` cross in baggage (the
 * picks depend on the tier, not on who the shopper is), so the session stays behind.
 */
import { Hono } from 'hono';
import { context, propagation } from '@opentelemetry/api';
import { trace, type TraceBindings, type TraceVariables } from '@journeytrace/edge';

// Maps, not object literals: a SKU or tier from the request such as `constructor` must find nothing.
/** What goes well with each item, best first. */
const PAIRS = new Map<string, readonly string[]>([
  ['sku-espresso-beans', ['sku-grinder', 'sku-travel-mug', 'sku-filter-papers']],
  ['sku-grinder', ['sku-espresso-beans', 'sku-filter-papers']],
  ['sku-filter-papers', ['sku-espresso-beans', 'sku-travel-mug']],
  ['sku-travel-mug', ['sku-espresso-beans']],
]);
/** How many picks each tier sees. */
const PICKS_BY_TIER = new Map([
  ['free', 1],
  ['premium', 2],
  ['vip', 3],
]);
const MAX_SKUS = 20;

/** Picks for a cart: items that pair with what is in it and are not in it yet, as many as the tier sees. */
export function recommend(cartSkus: readonly string[], tier: string | undefined): string[] {
  const inCart = new Set(cartSkus);
  const picks = new Set<string>();
  for (const sku of cartSkus) for (const pick of PAIRS.get(sku) ?? []) if (!inCart.has(pick)) picks.add(pick);
  return [...picks].slice(0, PICKS_BY_TIER.get(tier ?? '') ?? 1);
}

const app = new Hono<{ Bindings: TraceBindings; Variables: TraceVariables }>();
app.get('/health', (c) => c.text('ok'));
app.use(trace());
app.get('/for-cart', (c) => {
  const skus = (c.req.query('skus') ?? '').split(',').filter(Boolean).slice(0, MAX_SKUS);
  const tier = propagation.getBaggage(context.active())?.getEntry('user.tier')?.value;
  return c.json({ items: recommend(skus, tier) });
});

export default app;
