/**
 * The demo's journey view: from a checkout's result to its waterfall, drawn from what the
 * collector kept. A screenshot of the waterfall is kept as a test artifact.
 */
import { expect, test } from '@journeytrace/playwright';
import { checkoutInShop } from './support/shop.js';

const appUrl = () => process.env.JOURNEYTRACE_APP_URL ?? '';

test('a failed checkout links to its waterfall: every service, errors in red, baggage on hover', async ({ page }, testInfo) => {
  const { traceId } = await checkoutInShop(page, appUrl(), 'vip', 'error');
  const link = page.locator('[data-testid=journey-link]');

  await link.click();
  await expect(page).toHaveURL(new RegExp(`/journeys\\.html#${traceId}$`));
  const rows = page.locator('[data-testid=span-row]');
  // The view refreshes until the collector has kept the whole journey.
  for (const service of ['shop-web', 'edge-worker', 'checkout-api', 'inventory', 'orders-worker', 'payment']) {
    await expect(rows.filter({ has: page.locator(`.service:text-is("${service}")`) }).first()).toBeVisible({ timeout: 30_000 });
  }
  // Parent before child: the browser step is the first row, the payment server among the last.
  await expect(rows.first()).toHaveAttribute('data-service', 'shop-web');
  const payment = rows.filter({ has: page.locator('.service:text-is("payment")') }).first();
  await expect(payment).toHaveClass(/\berror\b/);
  const edge = rows.filter({ has: page.locator('.service:text-is("edge-worker")') }).first();
  await expect(edge).toHaveAttribute('title', /user\.tier = vip/);
  await expect(edge).toHaveAttribute('title', /session\.id = [0-9a-f]{32}/);
  // The journey is listed, marked as failed.
  await expect(page.locator(`[data-testid=journey-list] a[data-trace-id="${traceId}"]`)).toBeVisible();
  await expect(page.locator(`[data-testid=journey-list] li.error a[data-trace-id="${traceId}"]`)).toBeVisible();

  const screenshot = testInfo.outputPath('journey-waterfall.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('journey-waterfall', { path: screenshot, contentType: 'image/png' });
});
