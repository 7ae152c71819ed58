/**
 * Added time per instrumented fetch in Chromium: the same sequential same-origin fetches on a
 * plain page and on a page running the web SDK's script-tag build (inside a journey step, every
 * feature on, spans exported to the same loopback server), alternated round by round. Then the
 * SDK's own work per fetch alone: the same loop against a fetch stubbed in the page (answers at
 * once, no network), which the wall-clock figure on a busy machine can hide in its noise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { startSdkPages } from '@journeytrace/tooling/bench/sdkPages.js';
import { summarize, type BenchSection } from './types.js';

const FETCHES_PER_ROUND = 200;
const ROUNDS = 7;
const STUBBED_FETCHES_PER_ROUND = 5000;

// Installed before the SDK loads, so instrumentation-fetch wraps it: `/stub` answers at once, the rest goes out.
// Matched by path: instrumentation-fetch passes the absolute URL on, the plain page the relative one.
const STUB_FETCH = `const networkFetch = window.fetch; window.fetch = function (input, init) { return new URL(input instanceof Request ? input.url : String(input), location.href).pathname === '/stub' ? Promise.resolve(new Response('ok')) : networkFetch.call(this, input, init); };`;

/** Mean µs per call of the stubbed fetch over one round. */
async function stubbedRound(target: Page, withSdk: boolean): Promise<number> {
  return target.evaluate(`(async () => {
    const fetchAll = async () => {
      const started = performance.now();
      for (let i = 0; i < ${STUBBED_FETCHES_PER_ROUND}; i += 1) await fetch('/stub?' + i);
      return (performance.now() - started) * 1000 / ${STUBBED_FETCHES_PER_ROUND};
    };
    return ${withSdk ? "journeytrace.journey.step('bench', fetchAll)" : 'fetchAll()'};
  })()`) as Promise<number>;
}

/** Mean ms per fetch over one round, measured in the page (source text: tsx would wrap a function). */
async function round(target: Page, withSdk: boolean): Promise<number> {
  return target.evaluate(`(async () => {
    const fetchAll = async () => {
      const started = performance.now();
      for (let i = 0; i < ${FETCHES_PER_ROUND}; i += 1) await (await fetch('/ping?' + i)).text();
      return (performance.now() - started) / ${FETCHES_PER_ROUND};
    };
    return ${withSdk ? "journeytrace.journey.step('bench', fetchAll)" : 'fetchAll()'};
  })()`) as Promise<number>;
}

export default async function fetchOverhead(): Promise<BenchSection> {
  const { origin, browser, exportedBytes, close } = await startSdkPages();
  try {
    const plain = await browser.newPage();
    const traced = await browser.newPage();
    await plain.goto(`${origin}/plain.html`);
    await traced.goto(`${origin}/sdk.html`);
    await traced.waitForFunction('Boolean(window.journeytrace && window.journeytrace.journey)');
    // One warm-up round each, then alternate so drift hits both alike.
    await round(plain, false);
    await round(traced, true);
    const bare: number[] = [];
    const instrumented: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      bare.push(await round(plain, false));
      instrumented.push(await round(traced, true));
    }
    const stubbedPlain = await browser.newPage();
    const stubbedTraced = await browser.newPage();
    await stubbedPlain.addInitScript(STUB_FETCH);
    await stubbedTraced.addInitScript(STUB_FETCH);
    await stubbedPlain.goto(`${origin}/plain.html`);
    await stubbedTraced.goto(`${origin}/sdk.html`);
    await stubbedTraced.waitForFunction('Boolean(window.journeytrace && window.journeytrace.journey)');
    await stubbedRound(stubbedPlain, false);
    await stubbedRound(stubbedTraced, true);
    const stubbedBare: number[] = [];
    const stubbedAdded: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const bareMicros = await stubbedRound(stubbedPlain, false);
      stubbedBare.push(bareMicros);
      stubbedAdded.push((await stubbedRound(stubbedTraced, true)) - bareMicros);
    }
    const stubAnchor = summarize(stubbedBare);
    const sdkWork = summarize(stubbedAdded);
    const sdk = summarize(instrumented);
    const anchor = summarize(bare);
    const added = summarize(instrumented.map((value, i) => value - bare[i]!));
    const version = (JSON.parse(readFileSync(join(ROOT, 'web-sdk/package.json'), 'utf8')) as { version: string }).version;
    return {
      title: 'Browser: time per instrumented fetch (Chromium)',
      command: 'npm run bench -- fetch-overhead',
      versions: `journeytrace ${version} (script-tag build), Chromium ${browser.version()}`,
      rows: [
        { figure: 'fetch inside a journey step, SDK on (ms per fetch)', value: sdk.median, min: sdk.min, max: sdk.max, unit: 'ms', anchor: 'the same fetch on a page without the SDK', anchorValue: anchor.median },
        { figure: 'added time per fetch (ms, per-round difference)', value: added.median, min: added.min, max: added.max, unit: 'ms', anchor: 'plain fetch (ms)', anchorValue: anchor.median },
        { figure: "SDK's own work per fetch, network stubbed (µs, per-round difference)", value: sdkWork.median, min: sdkWork.min, max: sdkWork.max, unit: 'µs', anchor: 'plain fetch (ms), as above, in µs', anchorValue: anchor.median * 1000 },
      ],
      notes: [
        `${ROUNDS} alternated rounds of ${FETCHES_PER_ROUND} sequential same-origin fetches after a warm-up round; medians (min–max) of the per-round means. The SDK page exported ${(exportedBytes() / 1024).toFixed(0)} KiB of spans to the same server meanwhile.`,
        `SDK's own work: ${ROUNDS} alternated rounds of ${STUBBED_FETCHES_PER_ROUND} sequential calls of a fetch stubbed in the page (no network; the stubbed call alone takes ${stubAnchor.median.toFixed(1)} µs), SDK page minus plain page per round; it includes what instrumentation-fetch does per call (the span, the trace headers, a clone of the response read to its end, a resource-timing PerformanceObserver, the span's end 300 ms later) and the span's share of the export.`,
      ],
    };
  } finally {
    await close();
  }
}
