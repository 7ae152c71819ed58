/**
 * The web SDK's npm entries as an app's bundler would ship them (esbuild, ES2016 as zone.js
 * needs), in Chromium, exporting to the run's collector: the default entry with
 * `journeytrace/zone`, and `journeytrace/core` alone (steps and fetch spans, no features).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, test, type Page } from '@playwright/test';
import { readKeptSpans, SpanKind } from '@journeytrace/playwright/collector-output';
import { waitForTrace } from '@journeytrace/playwright/wait';

import { appUrl, edgeUrl, tracesFile } from './support/runEnv.js';
import { isEdgeWorkerServer } from './support/edgeSpans.js';
const ROOT = join(import.meta.dirname, '../..');

declare global {
  interface Window {
    app: {
      journey: { step<T>(name: string, fn: (step: { traceId: string }) => Promise<T> | T): Promise<T>; forceFlush(): Promise<void>; sessionId: string };
    };
  }
}

/** Bundles `source` (imports resolved from the repository root) the way an app build would. */
async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2016',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

// A document answered by page.route() has no IP address: let it reach 127.0.0.1, as a user would.
test.use({ permissions: ['local-network-access'] });

let collectorUrl = '';
test.beforeAll(async ({ request }) => {
  collectorUrl = ((await (await request.get(`${appUrl()}/shop-config.json`)).json()) as { collectorUrl: string }).collectorUrl;
});

/** Opens a page at the demo app's origin (the collector's CORS allows it) that runs `script`. */
async function openBundledPage(page: Page, script: string): Promise<void> {
  const path = `/__bundle/${randomBytes(4).toString('hex')}`;
  await page.route(`${appUrl()}${path}.js`, (route) => route.fulfill({ status: 200, headers: { 'content-type': 'text/javascript' }, body: script }));
  await page.route(`${appUrl()}${path}.html`, (route) =>
    route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: `<!doctype html><html><head><meta charset="utf-8"><script src="${path}.js"></script></head><body><h1>bundled</h1></body></html>`,
    }),
  );
  await page.goto(`${appUrl()}${path}.html`);
  await page.waitForFunction(() => Boolean(window.app?.journey));
}

const options = () => JSON.stringify({ serviceName: 'bundled-page', collectorUrl, propagateTo: [edgeUrl()], scheduledDelayMillis: 200 });

test('npm entry with journeytrace/zone: fetches in promise chains and timers of a step are its children; the edge continues the trace', async ({ page }) => {
  await openBundledPage(
    page,
    await bundle(`
      import { init } from 'journeytrace';
      import { zoneContextManager } from 'journeytrace/zone';
      window.app = { journey: init({ ...${options()}, contextManager: zoneContextManager() }) };
    `),
  );
  expect(await page.evaluate(() => typeof (window as unknown as { Zone?: unknown }).Zone)).toBe('function');
  const traceId = await page.evaluate(
    (edge) =>
      window.app.journey.step('zoned', (step) =>
        Promise.resolve()
          .then(() => fetch('/hop/zone-chain'))
          .then(() => new Promise((resolve) => setTimeout(() => resolve(fetch('/hop/zone-timer')), 5)))
          .then(() =>
            fetch(`${edge}/api/checkout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: 'ok' }) }),
          )
          .then(() => step.traceId),
      ),
    edgeUrl(),
  );
  await page.evaluate(() => window.app.journey.forceFlush());
  const spans = await waitForTrace(
    tracesFile(),
    traceId,
    (arrived) => arrived.filter((span) => span.service === 'bundled-page' && span.kind === SpanKind.CLIENT).length === 3 && arrived.some(isEdgeWorkerServer),
  );
  const step = spans.find((span) => span.name === 'zoned')!;
  const fetches = spans.filter((span) => span.service === 'bundled-page' && span.kind === SpanKind.CLIENT);
  for (const fetchSpan of fetches) expect(fetchSpan.parentSpanId, String(fetchSpan.attributes['url.full'])).toBe(step.spanId);
  const toEdge = fetches.find((span) => String(span.attributes['url.full']).startsWith(edgeUrl()))!;
  expect(toEdge.attributes['http.request.method']).toBe('POST');
  expect(toEdge.attributes['http.response.status_code']).toBe(200);
  const edgeServer = spans.find(isEdgeWorkerServer)!;
  expect(edgeServer.parentSpanId).toBe(toEdge.spanId);
});

test('journeytrace/core alone: steps and fetch spans, and no page instrumentation', async ({ page }) => {
  await openBundledPage(page, await bundle(`import { init } from 'journeytrace/core'; window.app = { journey: init(${options()}) };`));
  const sessionId = await page.evaluate(() => window.app.journey.sessionId);
  await page.locator('h1').click();
  const traceId = await page.evaluate(() =>
    window.app.journey.step('core step', async (step) => {
      await fetch('/hop/core');
      return step.traceId;
    }),
  );
  await page.evaluate(() => window.app.journey.forceFlush());
  const spans = await waitForTrace(
    tracesFile(),
    traceId,
    (arrived) => arrived.some((span) => span.name === 'core step') && arrived.some((span) => span.kind === SpanKind.CLIENT),
  );
  expect(spans.find((span) => span.kind === SpanKind.CLIENT)!.parentSpanId).toBe(spans.find((span) => span.name === 'core step')!.spanId);
  // No click, document-load or web-vital spans from this session: those features were not passed.
  const session = (await readKeptSpans(tracesFile())).filter((span) => span.attributes['session.id'] === sessionId);
  expect(session.map((span) => span.name).filter((name) => name === 'click' || name === 'documentLoad' || name.startsWith('web-vital'))).toEqual([]);
});
