/**
 * Traces meet metrics: after journeys including a slow one, the collector's metrics output holds
 * the HTTP duration histograms, with exemplars that point at journeys the collector kept, and
 * the journey view links a slow bucket to its waterfall.
 */
import { expect, readKeptSpans, test } from '@journeytrace/playwright';
import type { Page } from '@playwright/test';
import { checkoutInShop } from './support/shop.js';
import { readHistograms } from './support/histograms.js';

const env = (name: string) => process.env[name] ?? '';

const checkout = async (page: Page, tier: string, scenario: string) => (await checkoutInShop(page, env('JOURNEYTRACE_APP_URL'), tier, scenario)).traceId;

test('duration histograms carry exemplars that lead to kept journeys; a slow bucket links to its waterfall', async ({ page }) => {
  const slowTrace = await checkout(page, 'free', 'slow');
  await checkout(page, 'premium', 'ok');
  await checkout(page, 'free', 'error');

  const metricsFile = env('JOURNEYTRACE_METRICS_FILE');
  // The slow journey's checkout-api request lands in a bucket above 0.5 s, as an exemplar.
  await expect
    .poll(
      async () =>
        (await readHistograms(metricsFile, 'http.server.request.duration'))
          .flatMap((h) => h.exemplars)
          .some((e) => e.traceId === slowTrace && e.asDouble > 0.5),
      {
        timeout: 30_000,
      },
    )
    .toBe(true);

  const serverPoints = async (service: string, route: string) =>
    (await readHistograms(metricsFile, 'http.server.request.duration')).filter((h) => h.service === service && h.attributes['http.route'] === route);
  const checkoutApi = () => serverPoints('checkout-api', '/checkout');
  // Points are flushed every second: wait for the failed checkout's too.
  await expect
    .poll(async () => (await checkoutApi()).map((h) => h.attributes['http.response.status_code']), { timeout: 15_000 })
    .toEqual(expect.arrayContaining([200, 502]));
  expect((await checkoutApi())[0]!.attributes).toMatchObject({ 'http.request.method': 'POST' });
  const server = await readHistograms(metricsFile, 'http.server.request.duration');
  const client = await readHistograms(metricsFile, 'http.client.request.duration');
  expect(client.length).toBeGreaterThan(0);
  // The edge records both too, flushed in waitUntil with the spans (delta temporality), with the
  // status it answered: 502 for the failed checkout.
  const edgeCheckout = () => serverPoints('edge-worker', '/api/checkout');
  await expect
    .poll(async () => (await edgeCheckout()).map((h) => h.attributes['http.response.status_code']), { timeout: 15_000 })
    .toEqual(expect.arrayContaining([200, 502]));
  expect((await edgeCheckout()).some((h) => h.exemplars.length > 0)).toBe(true);
  expect((await edgeCheckout())[0]!.attributes).toMatchObject({ 'http.request.method': 'POST' });
  expect((await readHistograms(metricsFile, 'http.client.request.duration')).some((h) => h.service === 'edge-worker')).toBe(true);

  // Every exemplar points at a journey the collector kept (errors, slow and premium are kept).
  const exemplarTraces = new Set(server.flatMap((h) => h.exemplars.map((e) => e.traceId)));
  await expect
    .poll(
      async () => {
        const kept = new Set((await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'))).map((span) => span.traceId));
        return [...exemplarTraces].filter((traceId) => !kept.has(traceId));
      },
      { timeout: 30_000 },
    )
    .toEqual([]);

  // The journey view: p50/p95 per route, and the slow example opens its waterfall.
  await page.goto(`${env('JOURNEYTRACE_APP_URL')}/journeys.html`);
  const row = page.locator('[data-testid=latency-row][data-service=checkout-api][data-route="/checkout"]');
  await expect(row).toBeVisible({ timeout: 15_000 });
  await row.locator('[data-testid=exemplar-link]').click();
  await expect(page.locator('[data-testid=span-row][data-service=checkout-api]').first()).toBeVisible({ timeout: 15_000 });
});
