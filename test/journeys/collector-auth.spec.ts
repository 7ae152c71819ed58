/**
 * The collector as production runs it: config.production.yaml's bearer-token authentication on
 * both receivers, and every hop configured as the READMEs say (the edge's and the origin
 * services' `OTEL_EXPORTER_OTLP_HEADERS`). A checkout's whole journey (the browser's spans
 * through the edge's relay, the edge's own, each origin service's) and the hops' metrics get
 * in, while a request without the token is refused.
 */
import { randomBytes } from 'node:crypto';
import { expect, test, waitForJourney } from '@journeytrace/playwright';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { readHistograms } from './support/histograms.js';
import { checkoutInShop } from './support/shop.js';

const TOKEN = randomBytes(32).toString('hex');
/** The services that make spans in a checkout (the orders queue broker makes none of its own). */
const SERVICES = ['shop-web', 'edge-worker', 'cart', 'recommendations', 'checkout-api', 'inventory', 'orders-worker', 'payment'];

const stack = useDedicatedStack({ name: 'collector-auth', collectorToken: TOKEN });

test('with the collector requiring its token, every hop of a journey gets in, and a request without it does not', async ({ page }) => {
  test.setTimeout(120_000);
  // The stack's collector does refuse what comes without the token.
  const exportTo = (headers: Record<string, string>) =>
    fetch(`${stack().urls.collector}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"resourceSpans":[]}' });
  expect((await exportTo({})).status, 'no token').toBe(401);
  expect((await exportTo({ authorization: 'Bearer not-the-token' })).status, 'a wrong token').toBe(401);
  expect((await exportTo({ authorization: `Bearer ${TOKEN}` })).status, 'the token').toBe(200);

  const { result, traceId } = await checkoutInShop(page, stack().urls.app, 'vip', 'ok');
  await expect(result).toContainText('placed');
  const servicesIn = (spans: ReadonlyArray<{ service: string }>) => new Set(spans.map((span) => span.service));
  const journey = await waitForJourney(stack().tracesFile, traceId, {
    timeoutMillis: 60_000,
    settleMillis: 0,
    until: (trace) => SERVICES.every((service) => servicesIn(trace.spans).has(service)),
  });
  expect([...servicesIn(journey.spans)].sort()).toEqual([...SERVICES].sort());

  // Metrics go over the same authenticated receiver: the edge's and the origin services'.
  await expect
    .poll(async () => [...new Set((await readHistograms(stack().metricsFile, 'http.server.request.duration')).map((point) => point.service))].sort(), {
      timeout: 30_000,
    })
    .toEqual(expect.arrayContaining(['checkout-api', 'edge-worker']));
});
