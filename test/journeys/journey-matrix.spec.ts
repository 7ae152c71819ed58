/**
 * The journey matrix, asserted on the traces the collector kept: signed-in and anonymous users
 * of each tier, and a collector that restarts in the middle of a journey.
 * (Session continuity across reloads, tabs and the inactivity timeout, and third-party fetches
 * without trace headers, are in web-sdk.spec.ts.)
 */
import { expect, test, waitForJourney, type JourneyTrace } from '@journeytrace/playwright';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { checkoutInShop } from './support/shop.js';

const env = (name: string) => process.env[name] ?? '';
const TIERS = ['free', 'premium', 'vip'] as const;
const SERVER_SIDE = ['edge-worker', 'checkout-api', 'inventory', 'orders-worker', 'payment'];

/**
 * Every service of the checkout has sent its spans, and every parent has arrived: the browser's
 * fetch span ends (and is exported) after its step, up to ~300 ms after the response.
 */
const whole = (trace: JourneyTrace) => ['shop-web', ...SERVER_SIDE].every((service) => trace.findAll({ service }).length > 0) && trace.orphans().length === 0;

function expectWholeChain(trace: JourneyTrace): void {
  trace.expectChain(
    { service: 'shop-web', name: 'checkout' },
    { service: 'shop-web', kind: 'CLIENT' },
    { service: 'edge-worker', kind: 'SERVER', name: 'POST /api/checkout' },
    { service: 'edge-worker', kind: 'CLIENT' },
    { service: 'checkout-api', kind: 'SERVER' },
  );
  trace.expectNoOrphans();
}

for (const tier of TIERS) {
  test(`a signed-in ${tier} user: the verified tier is on the edge and origin spans`, async ({ page }) => {
    const { traceId } = await checkoutInShop(page, env('JOURNEYTRACE_APP_URL'), tier, 'ok');
    const trace = await waitForJourney(env('JOURNEYTRACE_TRACES_FILE'), traceId, { timeoutMillis: 30_000, settleMillis: 0, until: whole });
    expectWholeChain(trace);
    trace.expectAttribute({ service: 'edge-worker', kind: 'SERVER' }, 'journeytrace.baggage.verified', true);
    for (const service of SERVER_SIDE) trace.expectAttribute({ service, kind: service === 'orders-worker' ? 'CONSUMER' : 'SERVER' }, 'user.tier', tier);
  });

  test(`an anonymous user claiming ${tier}: the claim is dropped at the edge`, async ({ page }) => {
    // No sign-in: the page still puts user.tier in its baggage, but holds no session token.
    await page.route('**/api/session', (route) => route.abort());
    const { traceId } = await checkoutInShop(page, env('JOURNEYTRACE_APP_URL'), tier, 'ok');
    const trace = await waitForJourney(env('JOURNEYTRACE_TRACES_FILE'), traceId, { timeoutMillis: 30_000, settleMillis: 0, until: whole });
    expectWholeChain(trace);
    trace.expectAttribute({ service: 'edge-worker', kind: 'SERVER' }, 'journeytrace.baggage.verified', false);
    const claimed = trace.spans.filter((span) => span.service !== 'shop-web' && span.attributes['user.tier'] !== undefined);
    expect(
      claimed.map((span) => `${span.service} ${span.name}`),
      'no server-side span carries the unverified tier',
    ).toEqual([]);
    // The session still travels: it is not a claim about who the user is.
    expect(trace.span({ service: 'checkout-api', kind: 'SERVER' }).attributes['session.id']).toMatch(/^[0-9a-f]{32}$/);
  });
}

test.describe('the collector restarts mid-run', () => {
  const stack = useDedicatedStack({ name: 'collector-restart' });

  test('a journey made while the collector is down still arrives whole once it is back', async ({ page }) => {
    test.setTimeout(120_000);
    let traceId = '';
    await stack().restart('collector', async () => {
      ({ traceId } = await checkoutInShop(page, stack().urls.app, 'premium', 'ok'));
      // Every hop has tried to export (and failed) before the collector comes back.
      await page.waitForTimeout(1_500);
    });
    const trace = await waitForJourney(stack().tracesFile, traceId, { timeoutMillis: 60_000, settleMillis: 0, until: whole });
    expectWholeChain(trace);
  });
});
