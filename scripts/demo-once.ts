/**
 * `npm run demo -- --once [--tier=premium] [--scenario=ok|error|slow]`: starts the journey on
 * free ports, runs one checkout in headless Chromium, runs the edge's cron trigger once (it
 * confirms the order in the checkout's trace), waits until the collector holds the whole trace,
 * prints it as a text waterfall and exits (0 when every hop arrived).
 */
import { chromium } from 'playwright-core';
import { waitForTrace } from '@journeytrace/playwright/wait';
import { renderTrace } from '@journeytrace/playwright/trace-tree';
import { progress } from '@journeytrace/tooling/lib/log.js';
import { startTestStack } from '@journeytrace/tooling/stack/testStack.js';
import { cronsOf, triggerCron } from '@journeytrace/tooling/stack/cronTrigger.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { join } from 'node:path';

/** Every service of the demo journey: the trace is whole when each has sent its spans. */
export const JOURNEY_SERVICES = ['shop-web', 'edge-worker', 'cart', 'recommendations', 'checkout-api', 'inventory', 'orders-worker', 'payment'];
/** The edge asks the recommendations Worker only once an order is placed. */
const servicesOf = (scenario: string) => (scenario === 'error' ? JOURNEY_SERVICES.filter((service) => service !== 'recommendations') : JOURNEY_SERVICES);
/** The cron trigger's span in a placed order's trace (demo-app/edge/demo/orderLog.ts). */
const ORDER_CONFIRMED = 'confirm order';

export async function runOnce(toolchain: { chromium: string }, args: string[]): Promise<number> {
  const option = (name: string, fallback: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  const tier = option('tier', 'premium');
  const scenario = option('scenario', 'ok');
  progress('starting the journey on free ports…');
  const stack = await startTestStack({ name: 'demo-once' });
  const browser = await chromium.launch({
    executablePath: toolchain.chromium,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(stack.urls.app);
    await page.locator('[data-testid=tier]').selectOption(tier);
    await page.locator('[data-testid=scenario]').selectOption(scenario);
    await page.locator('[data-testid=checkout]').click();
    const result = page.locator('[data-testid=result][data-trace-id]');
    await result.waitFor({ timeout: 20_000 });
    const traceId = (await result.getAttribute('data-trace-id'))!;
    progress(`checkout (${tier}, ${scenario}): ${(await result.textContent())?.trim()}`);
    // Cloudflare would run the edge's cron within a minute; here it runs now, in wrangler dev.
    const placed = scenario !== 'error';
    if (placed) for (const cron of cronsOf(join(ROOT, 'demo-app/edge/wrangler.toml'))) await triggerCron(stack.urls.edge, cron);
    const spans = await waitForTrace(
      stack.tracesFile,
      traceId,
      (arrived) =>
        servicesOf(scenario).every((service) => arrived.some((span) => span.service === service)) &&
        (!placed || arrived.some((span) => span.name === ORDER_CONFIRMED)),
    );
    process.stdout.write(
      `\ntrace ${traceId} (${spans.length} spans)\n${renderTrace(spans, { attributes: ['user.tier', 'journeytrace.binding.name', 'db.system.name', 'db.namespace', 'journeytrace.lookup.outcome'] })}\n\n`,
    );
    return 0;
  } finally {
    await browser.close();
    await stack.stop();
  }
}
