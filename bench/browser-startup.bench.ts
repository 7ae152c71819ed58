/**
 * The web SDK's cost on page load and during a journey, in Chromium: load time of the same page
 * with and without the script-tag build (fresh page each time, alternated), and the long tasks
 * (> 50 ms main-thread blocks, PerformanceObserver `longtask`) seen while a journey of clicks and
 * fetches runs, against the same journey on the plain page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { startSdkPages } from '@journeytrace/tooling/bench/sdkPages.js';
import { summarize, type BenchSection } from './types.js';

const LOADS = 15;
const JOURNEYS = 5;

/** ms from navigation start to the end of the load event. */
async function loadMillis(browser: Browser, url: string): Promise<number> {
  const page = await browser.newPage();
  try {
    await page.goto(url, { waitUntil: 'load' });
    return (await page.evaluate(`performance.getEntriesByType('navigation')[0].loadEventEnd`)) as number;
  } finally {
    await page.close();
  }
}

/** Long tasks (count, total ms) while 20 clicks each start 5 fetches. */
async function journeyLongTasks(browser: Browser, url: string, withSdk: boolean): Promise<{ count: number; totalMillis: number }> {
  const page = await browser.newPage();
  try {
    await page.addInitScript(
      `window.__longTasks = []; new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask', buffered: true });`,
    );
    await page.goto(url, { waitUntil: 'load' });
    await page.evaluate(`(async () => {
      const button = document.getElementById('go');
      button.addEventListener('click', () => {
        const work = async () => { for (let i = 0; i < 5; i += 1) await (await fetch('/ping?' + i)).text(); };
        ${withSdk ? "journeytrace.journey.step('bench', work)" : 'work()'};
      });
      for (let i = 0; i < 20; i += 1) { button.click(); await new Promise((resolve) => setTimeout(resolve, 20)); }
      await new Promise((resolve) => setTimeout(resolve, 500));
    })()`);
    const durations = (await page.evaluate('window.__longTasks')) as number[];
    return { count: durations.length, totalMillis: durations.reduce((sum, value) => sum + value, 0) };
  } finally {
    await page.close();
  }
}

export default async function browserStartup(): Promise<BenchSection> {
  const { origin, browser, close } = await startSdkPages();
  try {
    await loadMillis(browser, `${origin}/plain.html`);
    await loadMillis(browser, `${origin}/sdk.html`);
    const plainLoads: number[] = [];
    const sdkLoads: number[] = [];
    for (let i = 0; i < LOADS; i += 1) {
      plainLoads.push(await loadMillis(browser, `${origin}/plain.html`));
      sdkLoads.push(await loadMillis(browser, `${origin}/sdk.html`));
    }
    const plainTasks: number[] = [];
    const sdkTasks: number[] = [];
    for (let i = 0; i < JOURNEYS; i += 1) {
      plainTasks.push((await journeyLongTasks(browser, `${origin}/plain.html`, false)).totalMillis);
      sdkTasks.push((await journeyLongTasks(browser, `${origin}/sdk.html`, true)).totalMillis);
    }
    const load = summarize(sdkLoads);
    const loadAnchor = summarize(plainLoads);
    const tasks = summarize(sdkTasks);
    const tasksAnchor = summarize(plainTasks);
    const version = (JSON.parse(readFileSync(join(ROOT, 'web-sdk/package.json'), 'utf8')) as { version: string }).version;
    return {
      title: 'Browser: start-up on page load and long tasks during a journey (Chromium)',
      command: 'npm run bench -- browser-startup',
      versions: `journeytrace ${version} (script-tag build), Chromium ${browser.version()}`,
      rows: [
        {
          figure: 'page load with the SDK (navigation start to load end)',
          value: load.median,
          min: load.min,
          max: load.max,
          unit: 'ms',
          anchor: 'the same page without the SDK',
          anchorValue: loadAnchor.median,
        },
        {
          figure: 'long-task time during a 20-click journey with the SDK',
          value: tasks.median,
          min: tasks.min,
          max: tasks.max,
          unit: 'ms',
          anchor: 'the same journey without the SDK',
          anchorValue: tasksAnchor.median,
        },
      ],
      notes: [
        `${LOADS} alternated loads each on fresh pages after one warm-up; ${JOURNEYS} journeys each (20 clicks, each starting 5 sequential fetches, inside a journey step on the SDK page). A long task is a main-thread block over 50 ms; 0 means none. A ratio of an anchor of 0 reads n/a.`,
      ],
    };
  } finally {
    await close();
  }
}
