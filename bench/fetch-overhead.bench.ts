/**
 * Added time per instrumented fetch in Chromium, for the kit and, in the same run, for stock
 * OpenTelemetry web (zone-less and with zone.js) against a bare page, rounds alternated across
 * the four pages so drift hits all alike:
 * - real sequential same-origin fetches, each body read as text;
 * - the same loop against a fetch stubbed in the page (no network), which shows the
 *   instrumentation's own work that a busy machine's wall clock hides;
 * - a 5 MiB body read with arrayBuffer(): time, and peak ArrayBuffer bytes above the start
 *   (Chromium's `Runtime.getHeapUsage().backingStorageSize`, sampled over CDP in a separate read);
 * - a 8 MiB body read slowly through a reader: time and chunk count.
 * The target column is the kit's added time over stock's (issue #30: at most 0.25).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { startSdkPages } from '@journeytrace/tooling/bench/sdkPages.js';
import { buildStockWeb } from '@journeytrace/tooling/bench/stockWeb.js';
import { summarize, type BenchRow, type BenchSection } from './types.js';

const FETCHES_PER_ROUND = 200;
const ROUNDS = 7;
const STUBBED_FETCHES_PER_ROUND = 5000;
const BIG_BYTES = 5 * 1024 * 1024;
const SLOW_BYTES = 8 * 1024 * 1024;
const SLOW_PAUSE_MILLIS = 10;
const TARGET = '<= 0.25';

// Installed before any instrumentation loads, so it wraps this: `/stub` answers at once, the rest goes out.
// Matched by path: instrumentations may pass the absolute URL on, the plain page the relative one.
const STUB_FETCH = `const networkFetch = window.fetch; window.fetch = function (input, init) { return new URL(input instanceof Request ? input.url : String(input), location.href).pathname === '/stub' ? Promise.resolve(new Response('ok')) : networkFetch.call(this, input, init); };`;

type Setup = 'bare' | 'kit' | 'stock' | 'stockZone';
const SETUPS: Setup[] = ['bare', 'kit', 'stock', 'stockZone'];
const PATHS: Record<Setup, string> = { bare: '/plain.html', kit: '/sdk.html', stock: '/stock.html', stockZone: '/stock-zone.html' };
const READY: Record<Setup, string> = {
  bare: 'true',
  kit: 'Boolean(window.journeytrace && window.journeytrace.journey)',
  stock: 'Boolean(window.stock)',
  stockZone: 'Boolean(window.stock)',
};
// Each loop runs inside an active span, as an app's fetches run inside a journey step.
const IN_STEP: Record<Setup, (fn: string) => string> = {
  bare: (fn) => `${fn}()`,
  kit: (fn) => `journeytrace.journey.step('bench', ${fn})`,
  stock: (fn) => `stock.step('bench', ${fn})`,
  stockZone: (fn) => `stock.step('bench', ${fn})`,
};

/** Mean of `perCall` over `count` sequential calls, timed in the page (source text: tsx would wrap a function). */
function timedLoop(setup: Setup, count: number, call: string, scale: number): string {
  return `(async () => {
    const loop = async () => {
      const started = performance.now();
      for (let i = 0; i < ${count}; i += 1) ${call};
      return (performance.now() - started) * ${scale} / ${count};
    };
    return ${IN_STEP[setup]('loop')};
  })()`;
}

async function openPages(browser: Browser, origin: string, initScript?: string): Promise<Record<Setup, Page>> {
  const pages = {} as Record<Setup, Page>;
  for (const setup of SETUPS) {
    const page = await browser.newPage();
    if (initScript) await page.addInitScript(initScript);
    await page.goto(`${origin}${PATHS[setup]}`);
    await page.waitForFunction(READY[setup]);
    pages[setup] = page;
  }
  return pages;
}

/** Runs `measure` on every page, one warm-up round then `ROUNDS` alternated rounds; samples per setup. */
async function alternate(pages: Record<Setup, Page>, measure: (page: Page, setup: Setup) => Promise<number>): Promise<Record<Setup, number[]>> {
  for (const setup of SETUPS) await measure(pages[setup], setup);
  const samples: Record<Setup, number[]> = { bare: [], kit: [], stock: [], stockZone: [] };
  for (let round = 0; round < ROUNDS; round += 1) for (const setup of SETUPS) samples[setup].push(await measure(pages[setup], setup));
  return samples;
}

/** Peak ArrayBuffer bytes above the start while the page reads a 5 MiB body (kept until the last sample). */
async function peakBufferBytes(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const heap = async () => ((await cdp.send('Runtime.getHeapUsage')) as unknown as { backingStorageSize: number }).backingStorageSize;
    await cdp.send('HeapProfiler.collectGarbage');
    const baseline = await heap();
    let peak = baseline;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) peak = Math.max(peak, await heap());
    })();
    await page.evaluate(`(async () => { window.__kept = await (await fetch('/bytes?n=${BIG_BYTES}&memory')).arrayBuffer(); })()`);
    sampling = false;
    await sampler;
    peak = Math.max(peak, await heap());
    await page.evaluate('window.__kept = null');
    return peak - baseline;
  } finally {
    await cdp.detach();
  }
}

const added = (samples: Record<Setup, number[]>, setup: Setup) => samples[setup].map((value, i) => value - samples.bare[i]!);

export default async function fetchOverhead(): Promise<BenchSection> {
  const stockWeb = await buildStockWeb();
  const { origin, browser, exportedBytes, close } = await startSdkPages({ stock: stockWeb.scripts.stock!, 'stock-zone': stockWeb.scripts['stock-zone']! });
  try {
    const pages = await openPages(browser, origin);
    const real = await alternate(
      pages,
      (page, setup) => page.evaluate(timedLoop(setup, FETCHES_PER_ROUND, "await (await fetch('/ping?' + i)).text()", 1)) as Promise<number>,
    );
    const big = await alternate(
      pages,
      (page, setup) => page.evaluate(timedLoop(setup, 1, `await (await fetch('/bytes?n=${BIG_BYTES}&i=' + i)).arrayBuffer()`, 1)) as Promise<number>,
    );
    const bigPeak = await alternate(pages, (page) => peakBufferBytes(page));
    const slowChunks: Record<Setup, number[]> = { bare: [], kit: [], stock: [], stockZone: [] };
    const slow = await alternate(pages, async (page, setup) => {
      const { millis, chunks } = (await page.evaluate(`(async () => {
        const read = async () => {
          const started = performance.now();
          const reader = (await fetch('/bytes?n=${SLOW_BYTES}&slow')).body.getReader();
          let chunks = 0;
          for (let r = await reader.read(); !r.done; r = await reader.read()) {
            chunks += 1;
            await new Promise((resolve) => setTimeout(resolve, ${SLOW_PAUSE_MILLIS}));
          }
          return { millis: performance.now() - started, chunks };
        };
        return ${IN_STEP[setup]('read')};
      })()`)) as { millis: number; chunks: number };
      slowChunks[setup].push(chunks);
      return millis;
    });
    for (const page of Object.values(pages)) await page.close();

    const stubbedPages = await openPages(browser, origin, STUB_FETCH);
    const stubbed = await alternate(
      stubbedPages,
      (page, setup) => page.evaluate(timedLoop(setup, STUBBED_FETCHES_PER_ROUND, "await fetch('/stub?' + i)", 1000)) as Promise<number>,
    );

    const version = (JSON.parse(readFileSync(join(ROOT, 'web-sdk/package.json'), 'utf8')) as { version: string }).version;
    const median = (samples: number[]) => summarize(samples).median;
    const rows: BenchRow[] = [];
    const LABEL: Record<Setup, string> = { bare: 'bare page', kit: 'journeytrace', stock: 'stock OTel web, zone-less', stockZone: 'stock OTel web + zone.js' };
    const perPage = (figure: string, samples: Record<Setup, number[]>, unit: string) => {
      for (const setup of ['kit', 'stock', 'stockZone'] as const) {
        const s = summarize(samples[setup]);
        rows.push({
          figure: `${figure}: ${LABEL[setup]}`,
          value: s.median,
          min: s.min,
          max: s.max,
          unit,
          anchor: LABEL.bare,
          anchorValue: median(samples.bare),
        });
      }
    };
    const ratio = (figure: string, samples: Record<Setup, number[]>, unit: string) => {
      const kit = summarize(added(samples, 'kit'));
      for (const stock of ['stock', 'stockZone'] as const) {
        rows.push({
          figure: `${figure}, journeytrace (per-round difference to bare)`,
          value: kit.median,
          min: kit.min,
          max: kit.max,
          unit,
          anchor: `the same, ${LABEL[stock]}`,
          anchorValue: median(added(samples, stock)),
          target: TARGET,
        });
      }
    };
    perPage('real same-origin fetch, ms per fetch', real, 'ms');
    ratio('added time per real fetch', real, 'ms');
    perPage('stubbed fetch (no network), µs per call', stubbed, 'µs');
    ratio('added time per stubbed fetch', stubbed, 'µs');
    perPage('5 MiB body, arrayBuffer(), ms', big, 'ms');
    ratio('added time per 5 MiB body', big, 'ms');
    const mb = (samples: Record<Setup, number[]>) =>
      Object.fromEntries(SETUPS.map((setup) => [setup, samples[setup].map((bytes) => bytes / 1e6)])) as Record<Setup, number[]>;
    perPage('5 MiB body, peak ArrayBuffer MB above the start', mb(bigPeak), 'MB');
    perPage(`8 MiB body read slowly (a ${SLOW_PAUSE_MILLIS} ms pause per chunk), ms`, slow, 'ms');
    perPage('8 MiB body read slowly, chunks the app got', slowChunks, 'chunks');
    return {
      title: 'Browser: time per instrumented fetch (Chromium), against stock OpenTelemetry web',
      command: 'npm run bench -- fetch-overhead',
      versions: `journeytrace ${version} (script-tag build), ${stockWeb.versions}, Chromium ${browser.version()}`,
      rows,
      notes: [
        `${ROUNDS} rounds after a warm-up round, alternated across the bare page, journeytrace and the two stock setups; medians (min–max) of the per-round figures, "added" ones as per-round differences to the bare page. Real: ${FETCHES_PER_ROUND} sequential same-origin fetches per round, each body read as text. Stubbed: ${STUBBED_FETCHES_PER_ROUND} calls of a fetch stubbed in the page before any instrumentation (no network; bodies not read, as the loop does not read them). 5 MiB: one body per round read with arrayBuffer(); its peak buffer bytes in a separate read per round, sampled over CDP while it runs. Slow: an ${SLOW_BYTES / 1024 / 1024} MiB body read through a reader with a ${SLOW_PAUSE_MILLIS} ms pause after each chunk.`,
        `Stock OpenTelemetry web: sdk-trace-web's WebTracerProvider with instrumentation-fetch, the batch processor and the OTLP/HTTP exporter (W3C propagators), zone-less (its stack context manager) and with context-zone, bundled as the kit's script tag (esbuild, minified IIFE, ES2017; ES2016 with zone.js), from bench/anchors/stock-web. The loops run inside an active span on every instrumented page (journeytrace: a journey step).`,
        `The pages exported ${(exportedBytes() / 1024).toFixed(0)} KiB of spans to the same server meanwhile.`,
      ],
    };
  } finally {
    await close();
  }
}
