/**
 * The origin fails the edge: too slow (past the edge's origin timeout) or down. The edge's spans
 * record the error, the page gets a clear failure, and the journey is still one trace.
 */
import { expect, test, waitForJourney, type JourneyTrace } from '@journeytrace/playwright';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { checkoutInShop } from './support/shop.js';

// The demo's slow scenario takes 650 ms at the origin: more than this edge will wait.
const stack = useDedicatedStack({ name: 'origin-faults', edgeVars: { ORIGIN_TIMEOUT_MS: '300' } });

/** The edge's CLIENT span to checkout-api (not those to its cart and price-list bindings). */
const ORIGIN_CALL = { service: 'edge-worker', kind: 'CLIENT', attributes: { 'url.full': /\/checkout$/ } } as const;

/** The browser step, its fetch, the edge SERVER and CLIENT spans have arrived (the fetch ends last). */
const edgeHops = (trace: JourneyTrace) =>
  trace.findAll({ service: 'shop-web', name: 'checkout' }).length > 0 && trace.findAll(ORIGIN_CALL).length > 0 && trace.orphans().length === 0;

function expectEdgeFailure(trace: JourneyTrace, status: number, errorType: RegExp): void {
  const [step, , server, client] = trace.expectChain(
    { service: 'shop-web', name: 'checkout' },
    { service: 'shop-web', kind: 'CLIENT' },
    { service: 'edge-worker', kind: 'SERVER', name: 'POST /api/checkout' },
    ORIGIN_CALL,
  );
  expect(server!.attributes['http.response.status_code']).toBe(status);
  expect(server!.statusCode).toBe(2);
  expect(client!.statusCode).toBe(2);
  expect(client!.events).toContain('exception');
  expect(String(client!.attributes['error.type'])).toMatch(errorType);
  expect(step!.statusCode).toBe(2);
}

test('an origin slower than the edge timeout: 504, the CLIENT span records the timeout', async ({ page }) => {
  const { result, traceId } = await checkoutInShop(page, stack().urls.app, 'free', 'slow');
  await expect(result).toContainText('origin_timeout');
  const trace = await waitForJourney(stack().tracesFile, traceId, { timeoutMillis: 30_000, settleMillis: 0, until: edgeHops });
  expectEdgeFailure(trace, 504, /TimeoutError|AbortError/);
});

test('an origin that is down: 502, the CLIENT span records the network error', async ({ page }) => {
  let traceId = '';
  await stack().restart('checkout-api', async () => {
    const checkout = await checkoutInShop(page, stack().urls.app, 'free', 'ok');
    await expect(checkout.result).toContainText('origin_unavailable');
    traceId = checkout.traceId;
  });
  const trace = await waitForJourney(stack().tracesFile, traceId, { timeoutMillis: 30_000, settleMillis: 0, until: edgeHops });
  expectEdgeFailure(trace, 502, /Error/);
  // The origin is back: journeys go through again. Its first requests after a cold start may
  // still exceed this edge's 300 ms origin timeout on a loaded machine, so a few tries are allowed.
  await expect(async () => {
    const next = await checkoutInShop(page, stack().urls.app, 'free', 'ok');
    await expect(next.result).toContainText('placed', { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
});
