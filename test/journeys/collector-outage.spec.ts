/**
 * The collector is down for 30 s while a user goes on checking out. Every hop — the browser's
 * export queue, the edge worker's exporter and the Node origin services' retry queue — holds the
 * spans of that window and sends them once the collector is back: each journey's trace arrives
 * with the same spans as a journey made while the collector was up, and no hop reports a drop.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, waitForJourney, type JourneyTrace, type KeptSpan } from '@journeytrace/playwright';
import type { Page } from '@playwright/test';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { recordFigure, type HopFigure } from '@journeytrace/tooling/reliability/figures.js';
import { checkoutInShop } from './support/shop.js';

const OUTAGE_SECONDS = 30;
/** Journeys made before the outage (the reference shape) and after it. */
const JOURNEYS_BEFORE = 2;
const JOURNEYS_AFTER = 2;
/** The least number of journeys made while the collector is down. */
const MIN_JOURNEYS_DURING = 5;
const ORIGIN_SERVICES = ['checkout-api', 'inventory', 'orders-worker', 'payment'];

type Hop = 'browser' | 'edge' | 'origin';
const hopOf = (span: KeptSpan): Hop => (span.service === 'shop-web' ? 'browser' : span.service === 'edge-worker' ? 'edge' : 'origin');
/** What a span is, apart from its ids and times: a journey's shape is the count of each. */
const shapeKey = (span: KeptSpan) => `${span.service} ${span.kind} ${span.name}`;

// vip journeys are kept by the tail sampler's tier policy; the baseline share at 100 % keeps the
// rest of each trace too, so a missing span can only mean a lost span.
// OTEL_LOG_LEVEL=warn: the edge says in its log why it holds spans (its drop reports, if any, say
// "dropped so far" with the total, which droppedIn takes once).
const stack = useDedicatedStack({
  name: 'collector-outage',
  collectorEnv: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' },
  edgeVars: { OTEL_LOG_LEVEL: 'warn' },
});

test(`collector down for ${OUTAGE_SECONDS} s: every journey's browser, edge and origin spans arrive once it is back, no drop reported`, async ({ page }) => {
  test.setTimeout(300_000);
  const browserWarnings = captureBrowserDiag(page);
  const journeys: Array<{ traceId: string; during: boolean }> = [];

  // The same page throughout: a page left during the outage would take its unsent spans with it.
  const first = await checkoutInShop(page, stack().urls.app, 'vip', 'ok');
  await expect(first.result).toContainText('placed');
  journeys.push({ traceId: first.traceId, during: false });
  const registry = await page.evaluate(() => Object.keys((globalThis as unknown as Record<symbol, object>)[Symbol.for('opentelemetry.js.api.1')] ?? {}));
  expect(registry, "the page's OpenTelemetry API reports to the test's diag logger").toContain('diag');
  while (journeys.length < JOURNEYS_BEFORE) journeys.push({ traceId: await checkoutAgain(page, journeys.at(-1)!.traceId), during: false });

  // The reference: what a journey leaves at the collector while it is up.
  const reference = await Promise.all(journeys.map(({ traceId }) => settledJourney(traceId, 30_000)));
  const shape = countShape(reference[0]!.spans);
  for (const trace of reference.slice(1)) expect(countShape(trace.spans), 'journeys made while the collector is up have one shape').toEqual(shape);
  for (const service of ['shop-web', 'edge-worker', 'checkout-api', 'payment']) {
    expect(reference[0]!.findAll({ service }).length, `the reference journey has ${service} spans`).toBeGreaterThan(0);
  }

  await stack().restart('collector', async () => {
    const downSince = Date.now();
    while (Date.now() - downSince < OUTAGE_SECONDS * 1000) {
      journeys.push({ traceId: await checkoutAgain(page, journeys.at(-1)!.traceId), during: true });
      await page.waitForTimeout(1_500);
    }
  });
  const during = journeys.filter((journey) => journey.during).length;
  expect(during, `journeys made in the ${OUTAGE_SECONDS} s outage`).toBeGreaterThanOrEqual(MIN_JOURNEYS_DURING);
  for (let after = 0; after < JOURNEYS_AFTER; after += 1) journeys.push({ traceId: await checkoutAgain(page, journeys.at(-1)!.traceId), during: false });

  // All of them: the collector appends to its file, so the journeys made before the outage must
  // still be there after it restarted.
  const checked = journeys;
  // Each hop retries on its own backoff; give them time to find the collector back.
  const expectedSpans = [...shape.values()].reduce((sum, count) => sum + count, 0);
  await Promise.all(
    checked.map(({ traceId }) =>
      waitForJourney(stack().tracesFile, traceId, { timeoutMillis: 120_000, settleMillis: 0, until: (trace) => trace.spans.length >= expectedSpans }).catch(
        () => waitForJourney(stack().tracesFile, traceId, { timeoutMillis: 1, settleMillis: 0, until: () => true }),
      ),
    ),
  );
  // Late duplicates or extra spans would show here too.
  await page.waitForTimeout(2_000);
  const final = await Promise.all(
    checked.map(({ traceId }) => waitForJourney(stack().tracesFile, traceId, { timeoutMillis: 1, settleMillis: 0, until: () => true })),
  );

  const hops: Record<Hop, HopFigure> = {
    browser: { expected: 0, arrived: 0, droppedReported: droppedIn(browserWarnings.join('\n')) },
    edge: { expected: 0, arrived: 0, droppedReported: droppedIn(readLog('edge-worker')) },
    origin: { expected: 0, arrived: 0, droppedReported: ORIGIN_SERVICES.reduce((sum, service) => sum + droppedIn(readLog(service)), 0) },
  };
  const missing: string[] = [];
  for (const [index, trace] of final.entries()) {
    const got = countShape(trace.spans);
    for (const [key, count] of shape) {
      const hop = hopOf(reference[0]!.spans.find((span) => shapeKey(span) === key)!);
      hops[hop].expected += count;
      hops[hop].arrived += Math.min(count, got.get(key) ?? 0);
      const label = `journey ${index + 1} (${checked[index]!.during ? 'during' : index < JOURNEYS_BEFORE ? 'before' : 'after'} the outage, trace ${trace.traceId})`;
      if ((got.get(key) ?? 0) < count) missing.push(`${label}: ${hop} lost ${count - (got.get(key) ?? 0)} × ${key}`);
    }
    for (const [key, count] of got) if (count > (shape.get(key) ?? 0)) missing.push(`journey ${index + 1}: ${count - (shape.get(key) ?? 0)} extra × ${key}`);
  }
  recordFigure('outage', { kind: 'outage', outageSeconds: OUTAGE_SECONDS, journeys: checked.length, journeysDuringOutage: during, hops });

  const summary = Object.entries(hops)
    .map(([hop, figure]) => `${hop}: ${figure.arrived}/${figure.expected} spans arrived, ${figure.droppedReported} drops reported`)
    .join('; ');
  console.log(`${checked.length} journeys checked after a ${OUTAGE_SECONDS} s outage (${during} made during it): ${summary}`);
  expect(missing, `every journey has the spans of a journey made with the collector up (${summary}); see ${stack().runDir}`).toEqual([]);
  expect(
    { browser: hops.browser.droppedReported, edge: hops.edge.droppedReported, origin: hops.origin.droppedReported },
    `drops reported by each hop (browser console, ${stack().runDir}/*.log)`,
  ).toEqual({ browser: 0, edge: 0, origin: 0 });
  expect(
    readLog('edge-worker')
      .split('\n')
      .some((line) => line.includes('"msg":"journeytrace.diag"') && line.includes('"level":"warn"') && line.includes('span export failed')),
    'the edge said, in a journeytrace.diag log line, that its exports failed and spans are held',
  ).toBe(true);
  for (const trace of final) trace.expectNoOrphans();
});

/** Clicks Checkout again on the open shop page; resolves to the new journey's trace id. */
async function checkoutAgain(page: Page, previousTraceId: string): Promise<string> {
  const result = page.locator('[data-testid=result]');
  await page.locator('[data-testid=checkout]').click();
  await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/, { timeout: 20_000 });
  await expect(result).not.toHaveAttribute('data-trace-id', previousTraceId);
  await expect(result, 'the checkout itself never depends on the collector').toContainText('placed');
  return (await result.getAttribute('data-trace-id'))!;
}

/** A journey once its span count has not changed for 3 s (the queue hop and the browser's batch land last). */
function settledJourney(traceId: string, timeoutMillis: number): Promise<JourneyTrace> {
  return waitForJourney(stack().tracesFile, traceId, { timeoutMillis, settleMillis: 3_000 });
}

function countShape(spans: readonly KeptSpan[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const span of spans) counts.set(shapeKey(span), (counts.get(shapeKey(span)) ?? 0) + 1);
  return counts;
}

/**
 * The web SDK reports drops through OpenTelemetry's `diag`, which is silent unless a logger is
 * registered. Before the page's scripts run, register one on the API's global (the same slot
 * `diag.setLogger` fills) that prints to the console, and collect what it prints.
 */
function captureBrowserDiag(page: Page): string[] {
  const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@opentelemetry/api/package.json'), 'utf8')) as { version: string }).version;
  void page.addInitScript((apiVersion: string) => {
    const key = Symbol.for(`opentelemetry.js.api.${apiVersion.split('.')[0]}`);
    const print = (...args: unknown[]) => console.warn('[diag]', ...args);
    const ignore = () => {};
    (globalThis as unknown as Record<symbol, unknown>)[key] = {
      version: apiVersion,
      diag: { error: print, warn: print, info: ignore, debug: ignore, verbose: ignore },
    };
  }, version);
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.text().startsWith('[diag]')) warnings.push(message.text());
  });
  return warnings;
}

function readLog(service: string): string {
  try {
    return readFileSync(join(stack().runDir, `${service}.log`), 'utf8');
  } catch {
    return '';
  }
}

/**
 * Spans a hop said it dropped: the largest running total in its `journeytrace: … dropped …`
 * reports or `journeytrace.spans.dropped` log lines (each carries the total so far), plus the batch processor's own drop reports (each a
 * count since the last), plus one per report without a number.
 */
function droppedIn(text: string): number {
  let total = 0;
  let batchProcessor = 0;
  let unnumbered = 0;
  for (const line of text.split('\n')) {
    const queueFull = /Dropped (\d+) spans because maxQueueSize reached/.exec(line);
    const logged = /"dropped_spans_total":\s*(\d+)/.exec(line);
    if (queueFull) batchProcessor += Number(queueFull[1]);
    else if (logged) total = Math.max(total, Number(logged[1]));
    else if (/journeytrace/.test(line) && /dropped/i.test(line)) {
      const soFar = /(\d+) (?:dropped )?so far/.exec(line);
      if (soFar) total = Math.max(total, Number(soFar[1]));
      else unnumbered += 1;
    }
  }
  return total + batchProcessor + unnumbered;
}
