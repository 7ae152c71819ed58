/**
 * Nothing acknowledged or produced is lost when a hop goes away mid-outage:
 * - a page left while its spans cannot be delivered (the collector is down and the relay has
 *   nowhere to put them) keeps them in IndexedDB, and the origin's next page sends them;
 * - the edge holds nothing in its isolate through an outage: its own spans and the browser
 *   batches it relays are written to its spill Durable Object (the relay answers 202), so a
 *   SIGKILL of `wrangler dev` and a restart lose none of them; the spill sends them once the
 *   collector is back.
 * Each test counts the spans a journey made (the shape of a journey made with everything up)
 * against the spans at the collector's output: 0 lost; duplicates (a span id arriving twice) are
 * counted and reported.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, waitForJourney, type KeptSpan } from '@journeytrace/playwright';
import type { Page } from '@playwright/test';
import { readKeptSpans } from '@journeytrace/playwright/collector-output';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { checkoutInShop } from './support/shop.js';

/** Journeys made while the collector is down. */
const JOURNEYS_DURING = 3;

test.describe('a page left during an outage', () => {
  // The relay spills nothing here: it answers 502, as a relay without a spill (or one the page
  // cannot reach) does, so the page's own offline store is what keeps the spans.
  const stack = useDedicatedStack({ name: 'durable-page', edgeVars: { JOURNEYTRACE_RELAY_SPILL: 'false' } });

  test('its unsent spans wait in IndexedDB and the next page of the origin delivers every one once the collector is back', async ({ page, context }) => {
    test.setTimeout(240_000);
    const { traceId: referenceId, result } = await checkoutInShop(page, stack().urls.app, 'vip', 'ok');
    await expect(result).toContainText('placed');
    const reference = await waitForJourney(stack().tracesFile, referenceId, { timeoutMillis: 30_000, settleMillis: 3_000 });
    const perJourney = reference.findAll({ service: 'shop-web' }).length;
    expect(perJourney, 'a journey has browser spans').toBeGreaterThan(1);

    const answers = relayAnswers(page);
    const during: string[] = [];
    await stack().restart('collector', async () => {
      let previous = referenceId;
      for (let made = 0; made < JOURNEYS_DURING; made += 1) {
        previous = await checkoutAgain(page, previous);
        during.push(previous);
      }
      await expect
        .poll(() => answers.filter((status) => status === 502).length, { message: "the relay cannot deliver the page's batches", timeout: 20_000 })
        .toBeGreaterThan(0);
      // Leaving the page once the last fetch span has ended (instrumentation-fetch ends it ~300 ms
      // after the response): pagehide, with exports failing, so its spans go to IndexedDB.
      await page.waitForTimeout(1_000);
      await page.close();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    });

    // The origin's next page, after the collector is back.
    const next = await context.newPage();
    await next.goto(stack().urls.app);

    const counts = await waitForSpans(stack().tracesFile, during, { 'shop-web': perJourney });
    console.log(`page left during an outage: ${describeCounts(counts)}`);
    expect(counts.lost, describeCounts(counts)).toBe(0);
    expect(
      await next.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const open = indexedDB.open('journeytrace');
            open.onsuccess = () => {
              const count = open.result.transaction('batches').objectStore('batches').count();
              count.onsuccess = () => resolve(count.result);
            };
          }),
      ),
      'delivered batches are removed from IndexedDB',
    ).toBe(0);
  });
});

test.describe('the edge restarted during an outage', () => {
  const stack = useDedicatedStack({ name: 'durable-edge', edgeVars: { OTEL_LOG_LEVEL: 'warn' } });

  test('its spans and the browser batches it relayed survive a SIGKILL of wrangler dev in its spill, and arrive once the collector is back', async ({
    page,
  }) => {
    test.setTimeout(300_000);
    const { traceId: referenceId, result } = await checkoutInShop(page, stack().urls.app, 'vip', 'ok');
    await expect(result).toContainText('placed');
    const reference = await waitForJourney(stack().tracesFile, referenceId, { timeoutMillis: 30_000, settleMillis: 3_000 });
    const expected = { 'edge-worker': reference.findAll({ service: 'edge-worker' }).length, 'shop-web': reference.findAll({ service: 'shop-web' }).length };
    expect(expected['edge-worker'], 'a journey has edge spans').toBeGreaterThan(1);

    const answers = relayAnswers(page);
    const during: string[] = [];
    await stack().restart('collector', async () => {
      let previous = referenceId;
      for (let made = 0; made < JOURNEYS_DURING; made += 1) {
        previous = await checkoutAgain(page, previous);
        during.push(previous);
      }
      // Leaving the page (once the last fetch span has ended): its last spans go with keepalive
      // requests, which the relay spills too.
      await page.waitForTimeout(1_000);
      await page.close();
      const least = JOURNEYS_DURING * (expected['edge-worker'] + expected['shop-web']);
      await expect
        .poll(() => spilledSpans(stack().runDir), { message: `the edge spilled at least ${least} spans`, timeout: 30_000 })
        .toBeGreaterThanOrEqual(least);
      expect(answers.filter((status) => status === 202).length, 'the relay answered the page 202 for what it spilled').toBeGreaterThan(0);
      expect(
        answers.filter((status) => status >= 500),
        'the relay never answered 5xx',
      ).toEqual([]);

      // A hard kill: no graceful shutdown of wrangler or workerd.
      const edge = stack().services.find((service) => service.name === 'edge-worker');
      if (!edge?.pid) throw new Error('the edge worker is not running');
      process.kill(-edge.pid, 'SIGKILL');
      await stack().restart('edge-worker');
    });

    const counts = await waitForSpans(stack().tracesFile, during, expected);
    console.log(`edge SIGKILLed during an outage: ${describeCounts(counts)}`);
    expect(counts.lost, describeCounts(counts)).toBe(0);
  });
});

interface SpanCounts {
  expected: number;
  arrived: number;
  lost: number;
  duplicates: number;
  missing: string[];
}

/**
 * Waits (up to 150 s: the spill's backoff is at most a minute) until each trace has at least the
 * expected count of spans per service, then counts: spans lost (missing from that count) and
 * duplicated (a span id that arrived more than once).
 */
async function waitForSpans(tracesFile: string, traceIds: string[], perJourney: Record<string, number>): Promise<SpanCounts> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    const counts = countSpans(await readKeptSpans(tracesFile), traceIds, perJourney);
    if (counts.lost === 0 || Date.now() > deadline) {
      // Late repeats would show in a second look.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      return countSpans(await readKeptSpans(tracesFile), traceIds, perJourney);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

function countSpans(spans: readonly KeptSpan[], traceIds: string[], perJourney: Record<string, number>): SpanCounts {
  const counts: SpanCounts = { expected: 0, arrived: 0, lost: 0, duplicates: 0, missing: [] };
  for (const traceId of traceIds) {
    for (const [service, expected] of Object.entries(perJourney)) {
      const ofService = spans.filter((span) => span.traceId === traceId && span.service === service);
      const unique = new Set(ofService.map((span) => span.spanId)).size;
      counts.expected += expected;
      counts.arrived += Math.min(unique, expected);
      counts.duplicates += ofService.length - unique;
      if (unique < expected) {
        counts.lost += expected - unique;
        counts.missing.push(`${traceId}: ${expected - unique} × ${service}`);
      }
    }
  }
  return counts;
}

function describeCounts(counts: SpanCounts): string {
  return `${counts.arrived}/${counts.expected} spans arrived, ${counts.lost} lost, ${counts.duplicates} duplicated${counts.missing.length ? ` (missing: ${counts.missing.join('; ')})` : ''}`;
}

/** The statuses the page's span exports got, in order. */
function relayAnswers(page: Page): number[] {
  const statuses: number[] = [];
  page.on('response', (response) => {
    if (response.request().method() === 'POST' && new URL(response.url()).pathname === '/v1/traces') statuses.push(response.status());
  });
  return statuses;
}

/** Spans the edge's spill object took so far (its `journeytrace.spans.spilled` log lines). */
function spilledSpans(runDir: string): number {
  let log = '';
  try {
    log = readFileSync(join(runDir, 'edge-worker.log'), 'utf8');
  } catch {
    return 0;
  }
  let total = 0;
  for (const match of log.matchAll(/"msg":"journeytrace\.spans\.spilled","spilled_spans":(\d+)/g)) total += Number(match[1]);
  return total;
}

/** Clicks Checkout again on the open shop page; resolves to the new journey's trace id. */
async function checkoutAgain(page: Page, previousTraceId: string): Promise<string> {
  const result = page.locator('[data-testid=result]');
  await page.locator('[data-testid=checkout]').click();
  await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/, { timeout: 20_000 });
  await expect(result).not.toHaveAttribute('data-trace-id', previousTraceId);
  await expect(result, 'the checkout itself never depends on the collector').toContainText('placed');
  return (await result.getAttribute('data-trace-id'))!;
}
