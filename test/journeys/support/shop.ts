import { expect, type Locator, type Page } from '@playwright/test';

/**
 * One checkout through the demo shop's page (CONTRACT selectors): pick the tier and scenario,
 * click Checkout, and wait until the result carries the journey's trace id.
 */
export async function checkoutInShop(page: Page, appUrl: string, tier: string, scenario: string): Promise<{ result: Locator; traceId: string }> {
  await page.goto(appUrl);
  await page.locator('[data-testid=tier]').selectOption(tier);
  await page.locator('[data-testid=scenario]').selectOption(scenario);
  await page.locator('[data-testid=checkout]').click();
  const result = page.locator('[data-testid=result]');
  await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/, { timeout: 20_000 });
  return { result, traceId: (await result.getAttribute('data-trace-id'))! };
}
