/**
 * The browser SDK in Chromium, through its script-tag build on plain HTML pages (no bundler,
 * no transpiling: native async/await), exporting to the run's collector, whose output is what
 * the assertions read.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { readKeptSpans, SpanKind, StatusCode, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { waitForTrace } from '@journeytrace/playwright/wait';

import { isPreflight, recordNetwork } from './support/network.js';
import { appUrl, edgeUrl, tracesFile } from './support/runEnv.js';
import { isEdgeWorkerServer } from './support/edgeSpans.js';

declare global {
  interface Window {
    journeytrace: {
      journey?: {
        sessionId: string;
        sampled: boolean;
        droppedSpans: number;
        setUser(user: { tier?: string; id?: string }): void;
        step<T>(name: string, fn: (step: { traceId: string; span: { setAttribute(key: string, value: string | number): void } }) => Promise<T> | T): Promise<T>;
        forceFlush(): Promise<void>;
      };
      currentIds(): { trace_id?: string; span_id?: string };
    };
    asyncJourney(): Promise<string>;
  }
}

/** Another origin (its own port) that records what reaches it and allows any CORS request. */
interface ThirdParty {
  url: string;
  requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

async function startThirdParty(): Promise<ThirdParty> {
  const requests: ThirdParty['requests'] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers });
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader('access-control-allow-headers', '*');
    response.setHeader('access-control-allow-methods', '*');
    response.statusCode = request.method === 'OPTIONS' ? 204 : request.url?.startsWith('/fail') ? 503 : 200;
    response.end(request.method === 'OPTIONS' ? undefined : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A document answered by page.route() has no IP address, so Chromium's Local Network Access
// treats it as public and asks before it may reach 127.0.0.1: grant that, as a user would.
test.use({ permissions: ['local-network-access'] });

let collectorUrl = '';
test.beforeAll(async ({ request }) => {
  collectorUrl = ((await (await request.get(`${appUrl()}/shop-config.json`)).json()) as { collectorUrl: string }).collectorUrl;
});

interface PlainPageOptions {
  /** `data-*` attributes of the script tag, beyond the collector and the edge. */
  data?: Record<string, string>;
  /** `window.journeytraceConfig`, set before the script tag. */
  config?: Record<string, unknown>;
  body?: string;
  /** Answered as the document's `Server-Timing: traceparent`. */
  traceparent?: string;
}

/**
 * Opens a plain HTML page at the demo app's origin (so the collector's CORS allows it), served
 * by the test rather than built by Vite, that loads the script-tag build the app serves.
 */
async function openPlainPage(page: Page, options: PlainPageOptions = {}): Promise<string> {
  const path = `/__sdk/${randomBytes(4).toString('hex')}.html`;
  const data = { 'service-name': 'plain-page', 'collector-url': collectorUrl, 'propagate-to': edgeUrl(), ...options.data };
  const attributes = Object.entries(data)
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `data-${key}="${value}"`)
    .join(' ');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>plain</title>
<script>window.journeytraceConfig = ${JSON.stringify({ OTEL_BSP_SCHEDULE_DELAY: '200', ...options.config })};</script>
<script src="/journeytrace.iife.js" ${attributes}></script></head>
<body><h1>A plain page with a headline large enough to be the largest contentful paint</h1>${options.body ?? ''}</body></html>`;
  await page.route(`${appUrl()}${path}`, (route) =>
    route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/html', ...(options.traceparent ? { 'server-timing': `traceparent;desc="${options.traceparent}"` } : {}) },
      body: html,
    }),
  );
  await page.goto(`${appUrl()}${path}`);
  await page.waitForFunction(() => Boolean(window.journeytrace?.journey));
  return path;
}

const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'];
const isBrowser = (span: KeptSpan) => span.resource['telemetry.sdk.language'] === 'webjs';
const urlOf = (span: KeptSpan) => String(span.attributes['url.full'] ?? '');

/**
 * In a step: a GET to a third party, then the checkout POST to the edge, both by `fetch` or both by
 * `XMLHttpRequest`. Resolves with the step's trace id.
 */
function callThirdPartyThenEdge(page: Page, transport: 'fetch' | 'xhr', thirdUrl: string): Promise<string> {
  return page.evaluate(
    ({ transport, thirdUrl, edge }) => {
      const call = (method: string, url: string, body?: string) =>
        transport === 'fetch'
          ? fetch(url, body ? { method, headers: { 'content-type': 'application/json' }, body } : { method }).then((response) => response.status)
          : new Promise<number>((resolve, reject) => {
              const request = new XMLHttpRequest();
              request.open(method, url);
              if (body) request.setRequestHeader('content-type', 'application/json');
              request.onload = () => resolve(request.status);
              request.onerror = () => reject(new Error(`XHR to ${url} failed`));
              request.send(body);
            });
      return window.journeytrace.journey!.step(`${transport} to two origins`, async (step) => {
        await call('GET', `${thirdUrl}/data`);
        await call('POST', `${edge}/api/checkout`, JSON.stringify({ scenario: 'ok' }));
        return step.traceId;
      });
    },
    { transport, thirdUrl, edge: edgeUrl() },
  );
}

for (const transport of ['fetch', 'xhr'] as const) {
  test(`${transport}: headers go to the allow-listed edge only; a third-party origin gets none, not even a preflight`, async ({ page }) => {
    const third = await startThirdParty();
    try {
      const network = await recordNetwork(page);
      // XMLHttpRequest is traced only when the page asks for it (data-xhr).
      await openPlainPage(page, { data: { 'user-tier': 'premium', ...(transport === 'xhr' ? { xhr: 'true' } : {}) } });
      const traceId = await callThirdPartyThenEdge(page, transport, third.url);
      const sessionId = await page.evaluate(() => window.journeytrace.journey!.sessionId);

      // The third party saw one plain GET: no trace headers, and so no preflight either.
      expect(third.requests.map((request) => request.method)).toEqual(['GET']);
      for (const header of TRACE_HEADERS) expect(third.requests[0]!.headers[header]).toBeUndefined();
      const toThird = network.all().filter((request) => request.url.startsWith(third.url));
      expect(toThird.length).toBeGreaterThan(0);
      expect(toThird.some(isPreflight)).toBe(false);
      for (const request of toThird) for (const header of TRACE_HEADERS) expect(request.headers[header]).toBeUndefined();

      // The edge got traceparent and the allow-listed baggage, percent-encoded.
      const toEdge = network.all().find((request) => request.url === `${edgeUrl()}/api/checkout` && request.method === 'POST');
      expect(toEdge?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(toEdge?.headers.baggage).toBe(`session.id=${sessionId},user.tier=premium`);

      // The exporter's own requests carry no trace headers and make no spans.
      await page.evaluate(() => window.journeytrace.journey!.forceFlush());
      const exports = network.all().filter((request) => request.url.startsWith(`${collectorUrl}/v1/traces`) && request.method === 'POST');
      expect(exports.length).toBeGreaterThan(0);
      for (const request of exports) for (const header of TRACE_HEADERS) expect(request.headers[header]).toBeUndefined();

      const spans = await waitForTrace(
        tracesFile(),
        traceId,
        (arrived) =>
          arrived.some((span) => !isBrowser(span) && span.kind === SpanKind.SERVER) &&
          arrived.filter((span) => isBrowser(span) && span.kind === SpanKind.CLIENT).length === 2,
      );
      const step = spans.find((span) => span.name === `${transport} to two origins`)!;
      const edgeCall = spans.find((span) => isBrowser(span) && span.kind === SpanKind.CLIENT && urlOf(span).startsWith(edgeUrl()))!;
      const thirdCall = spans.find((span) => isBrowser(span) && span.kind === SpanKind.CLIENT && urlOf(span).startsWith(third.url))!;
      expect(edgeCall.parentSpanId).toBe(step.spanId);
      expect(edgeCall.attributes['http.request.method']).toBe('POST');
      expect(edgeCall.attributes['http.response.status_code']).toBe(200);
      expect(thirdCall.parentSpanId).toBe(step.spanId); // Traced in the browser, just not told.
      const edgeServer = spans.find(isEdgeWorkerServer)!;
      expect(edgeServer.parentSpanId).toBe(edgeCall.spanId);
      const all = await readKeptSpans(tracesFile());
      expect(all.filter((span) => span.service === 'plain-page' && urlOf(span).startsWith(`${collectorUrl}/v1/traces`))).toEqual([]);
    } finally {
      await third.close();
    }
  });
}

test('without data-xhr, an XMLHttpRequest to the allow-listed edge carries no trace headers', async ({ page }) => {
  const network = await recordNetwork(page);
  await openPlainPage(page);
  await page.evaluate(
    (edge) =>
      new Promise<void>((resolve) => {
        const request = new XMLHttpRequest();
        request.open('GET', `${edge}/health`);
        request.onloadend = () => resolve();
        request.send();
      }),
    edgeUrl(),
  );
  const plain = network.all().find((request) => request.url === `${edgeUrl()}/health`);
  expect(plain).toBeTruthy();
  for (const header of TRACE_HEADERS) expect(plain!.headers[header]).toBeUndefined();
});

test('native async/await: fetches after awaits, in promise chains, timers and handlers started by a step are its children', async ({ page }) => {
  await openPlainPage(page);
  // Injected as source text: Chromium runs these async functions natively, untranspiled.
  await page.addScriptTag({
    content: `
      window.asyncJourney = async function () {
        const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
        const traceId = await journeytrace.journey.step('async journey', async (step) => {
          await tick(); await tick(); await tick();
          await fetch('/hop/after-awaits');
          await Promise.resolve().then(tick).then(() => fetch('/hop/promise-chain'));
          await new Promise((resolve) => setTimeout(() => resolve(fetch('/hop/timer')), 10));
          const target = document.createElement('button');
          document.body.append(target);
          const handled = new Promise((resolve) => target.addEventListener('poke', () => resolve(fetch('/hop/handler'))));
          await tick();
          target.dispatchEvent(new Event('poke'));
          await handled;
          return step.traceId;
        });
        await tick();
        await fetch('/hop/after-step');
        return traceId;
      };`,
  });
  expect(await page.evaluate(() => window.asyncJourney.toString())).toContain('await tick()');
  const traceId = await page.evaluate(() => window.asyncJourney());
  await page.evaluate(() => window.journeytrace.journey!.forceFlush());

  const hops = ['after-awaits', 'promise-chain', 'timer', 'handler'];
  const spans = await waitForTrace(tracesFile(), traceId, (arrived) => hops.every((hop) => arrived.some((span) => urlOf(span).endsWith(`/hop/${hop}`))));
  const step = spans.find((span) => span.name === 'async journey')!;
  for (const hop of hops) {
    const fetchSpan = spans.find((span) => urlOf(span).endsWith(`/hop/${hop}`))!;
    expect(fetchSpan.parentSpanId, hop).toBe(step.spanId);
  }
  // Once the step has ended, its context is released: the next fetch starts a trace of its own.
  await expect.poll(async () => (await readKeptSpans(tracesFile())).find((span) => urlOf(span).endsWith('/hop/after-step')), { timeout: 15_000 }).toBeTruthy();
  const after = (await readKeptSpans(tracesFile())).find((span) => urlOf(span).endsWith('/hop/after-step'))!;
  expect(after.traceId).not.toBe(traceId);
  expect(after.parentSpanId).toBe('');
});

test('errors: uncaught errors and unhandled rejections mark the active step ERROR; failed fetches are ERROR', async ({ page }) => {
  const third = await startThirdParty();
  const closed = await startThirdParty();
  await closed.close(); // Nothing listens there any more: a network error.
  try {
    await openPlainPage(page);
    const traceId = await page.evaluate(
      ({ thirdUrl, closedUrl }) =>
        window.journeytrace.journey!.step('failing journey', async (step) => {
          setTimeout(() => {
            throw new Error('uncaught boom');
          }, 0);
          void Promise.reject(new Error('unhandled boom'));
          await new Promise((resolve) => setTimeout(resolve, 100));
          await fetch(`${thirdUrl}/fail`);
          await fetch(`${closedUrl}/down`).catch(() => undefined);
          return step.traceId;
        }),
      { thirdUrl: third.url, closedUrl: closed.url },
    );
    await page.evaluate(() => window.journeytrace.journey!.forceFlush());
    const spans = await waitForTrace(
      tracesFile(),
      traceId,
      (arrived) => arrived.filter((span) => span.kind === SpanKind.CLIENT).length === 2 && arrived.some((span) => span.name === 'failing journey'),
    );
    const step = spans.find((span) => span.name === 'failing journey')!;
    expect(step.statusCode).toBe(StatusCode.ERROR);
    expect(step.events.filter((name) => name === 'exception')).toHaveLength(2);
    const serverError = spans.find((span) => urlOf(span).endsWith('/fail'))!;
    expect(serverError.statusCode).toBe(StatusCode.ERROR);
    expect(serverError.attributes['http.response.status_code']).toBe(503);
    const networkError = spans.find((span) => urlOf(span).endsWith('/down'))!;
    expect(networkError.statusCode).toBe(StatusCode.ERROR);
  } finally {
    await third.close();
  }
});

test('flush on page hide: click, then navigate away at once; the click and its step still reach the collector', async ({ page }) => {
  // The demo's plain page, served from loopback like a real site (keepalive requests sent while
  // a page unloads are checked against where the document came from).
  const marker = `leave-${randomBytes(4).toString('hex')}`;
  // Nothing is exported on a timer within the test: only the flush on hide can deliver.
  const config = { collectorUrl, propagateTo: [edgeUrl()], OTEL_BSP_SCHEDULE_DELAY: '600000' };
  await page.goto(`${appUrl()}/plain.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction(() => Boolean(window.journeytrace?.journey));
  await page.evaluate((testId) => {
    const button = document.createElement('button');
    button.dataset.testid = testId;
    button.textContent = 'Go';
    button.addEventListener('click', () => void window.journeytrace.journey!.step('leave', () => new Promise((resolve) => setTimeout(resolve, 5000))));
    document.body.append(button);
  }, marker);
  await page.locator(`[data-testid=${marker}]`).click();
  await page.goto('about:blank');

  const findClick = async () =>
    (await readKeptSpans(tracesFile())).find((span) => span.name === 'click' && String(span.attributes['browser.target']).includes(marker));
  await expect.poll(findClick, { timeout: 20_000 }).toBeTruthy();
  const click = (await findClick())!;
  const spans = await waitForTrace(tracesFile(), click.traceId, (arrived) => arrived.some((span) => span.name === 'leave'));
  expect(spans.find((span) => span.name === 'leave')!.parentSpanId).toBe(click.spanId);
});

test('route changes through the history API are spans, parents of the fetches the new route makes', async ({ page }) => {
  const path = await openPlainPage(page);
  const route = `${path}/orders`;
  const ids = await page.evaluate((to) => {
    history.pushState({}, '', to);
    const ids = window.journeytrace.currentIds();
    void fetch('/hop/route');
    return ids;
  }, route);
  expect(ids.trace_id).toMatch(/^[0-9a-f]{32}$/);
  // The fetch span ends after its resource-timing wait and goes out on the schedule: poll for it.
  await page.evaluate(() => window.journeytrace.journey!.forceFlush());
  const spans = await waitForTrace(
    tracesFile(),
    ids.trace_id!,
    (arrived) => arrived.some((span) => span.name === 'route change') && arrived.some((span) => urlOf(span).endsWith('/hop/route')),
  );
  const change = spans.find((span) => span.name === 'route change')!;
  expect(change.attributes['url.path']).toBe(route);
  expect(change.attributes['browser.navigation.type']).toBe('push');
  expect(spans.find((span) => urlOf(span).endsWith('/hop/route'))!.parentSpanId).toBe(change.spanId);
});

/** Runs `navigate` on the page and, in the route's first task, notes the trace ids and fetches `/hop/<hop>`. */
async function changeRoute(page: Page, how: 'push' | 'replace' | 'back', to: string, hop: string): Promise<string> {
  const ids = await page.evaluate(
    ({ how, to, hop }) =>
      new Promise<{ trace_id?: string }>((resolve) => {
        const onRoute = () => {
          const ids = window.journeytrace.currentIds();
          void fetch(`/hop/${hop}`);
          resolve(ids);
        };
        if (how === 'back') {
          addEventListener('popstate', onRoute, { once: true });
          history.back();
        } else {
          if (how === 'push') history.pushState({}, '', to);
          else history.replaceState({}, '', to);
          onRoute();
        }
      }),
    { how, to, hop },
  );
  expect(ids.trace_id).toMatch(/^[0-9a-f]{32}$/);
  return ids.trace_id!;
}

for (const api of ['Navigation API', 'history wrapping (no Navigation API)'] as const) {
  test(`route changes by pushState, replaceState and back are spans of type push, replace and traverse (${api})`, async ({ page }) => {
    if (api !== 'Navigation API') await page.addInitScript(() => Object.defineProperty(window, 'navigation', { value: undefined, configurable: true }));
    const path = await openPlainPage(page);
    expect(await page.evaluate(() => 'navigation' in window && Boolean((window as { navigation?: unknown }).navigation))).toBe(api === 'Navigation API');
    const marker = randomBytes(3).toString('hex');
    const changes = [
      { how: 'push', to: `${path}/orders`, type: 'push', expectedPath: `${path}/orders` },
      { how: 'replace', to: `${path}/orders/7`, type: 'replace', expectedPath: `${path}/orders/7` },
      { how: 'back', to: '', type: 'traverse', expectedPath: path },
    ] as const;
    for (const change of changes) {
      const hop = `route-${marker}-${change.how}`;
      const traceId = await changeRoute(page, change.how, change.to, hop);
      await page.evaluate(() => window.journeytrace.journey!.forceFlush());
      const spans = await waitForTrace(
        tracesFile(),
        traceId,
        (arrived) => arrived.some((span) => span.name === 'route change') && arrived.some((span) => urlOf(span).endsWith(`/hop/${hop}`)),
      );
      const route = spans.find((span) => span.name === 'route change')!;
      expect(route.attributes['browser.navigation.type'], change.how).toBe(change.type);
      expect(route.attributes['url.path'], change.how).toBe(change.expectedPath);
      expect(spans.find((span) => urlOf(span).endsWith(`/hop/${hop}`))!.parentSpanId, change.how).toBe(route.spanId);
    }
  });
}

test('web vitals: a layout shift and a slow interaction reach the collector as CLS and INP when the page is hidden', async ({ page }) => {
  // The demo's plain page, served from loopback like a real site; nothing is exported on a timer
  // within the test, so only the flush on hide can deliver the vitals.
  const config = { collectorUrl, propagateTo: [edgeUrl()], OTEL_BSP_SCHEDULE_DELAY: '600000' };
  await page.goto(`${appUrl()}/plain.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction(() => Boolean(window.journeytrace?.journey));
  const sessionId = await page.evaluate(() => window.journeytrace.journey!.sessionId);
  // The browser's own entries, watched independently of the SDK: the reference values.
  await page.evaluate(() => {
    const seen: { shifts: Array<{ value: number; startTime: number; hadRecentInput: boolean }>; events: Array<{ id: number; duration: number }> } = {
      shifts: [],
      events: [],
    };
    (window as unknown as { seen: typeof seen }).seen = seen;
    new PerformanceObserver((list) =>
      seen.shifts.push(
        ...list.getEntries().map((e) => ({
          value: (e as unknown as { value: number }).value,
          startTime: e.startTime,
          hadRecentInput: (e as unknown as { hadRecentInput: boolean }).hadRecentInput,
        })),
      ),
    ).observe({ type: 'layout-shift', buffered: true });
    new PerformanceObserver((list) =>
      seen.events.push(...list.getEntries().map((e) => ({ id: (e as unknown as { interactionId: number }).interactionId, duration: e.duration }))),
    ).observe({ type: 'event', buffered: true, durationThreshold: 16 } as PerformanceObserverInit);
  });
  // A banner pushed in above the content, with no input before it: a layout shift.
  await page.evaluate(() => {
    const banner = document.createElement('div');
    banner.style.height = '240px';
    banner.textContent = 'banner';
    document.body.prepend(banner);
  });
  await page.waitForFunction(() => (window as unknown as { seen: { shifts: unknown[] } }).seen.shifts.length > 0);
  // A click whose handler blocks the main thread for 150 ms: a slow interaction.
  await page.evaluate(() => {
    const button = document.createElement('button');
    button.dataset.testid = 'slow';
    button.textContent = 'slow';
    button.addEventListener('click', () => {
      const until = performance.now() + 150;
      while (performance.now() < until);
    });
    document.body.append(button);
  });
  await page.locator('[data-testid=slow]').click();
  await page.waitForFunction(() => (window as unknown as { seen: { events: Array<{ id: number }> } }).seen.events.some((event) => event.id > 0));
  const seen = await page.evaluate(
    () =>
      (
        window as unknown as {
          seen: { shifts: Array<{ value: number; startTime: number; hadRecentInput: boolean }>; events: Array<{ id: number; duration: number }> };
        }
      ).seen,
  );
  await page.goto('about:blank');

  // CLS by its definition: the largest window of shifts without recent input, < 1 s apart, < 5 s long.
  let cls = 0;
  let sessionWindow: Array<{ value: number; startTime: number }> = [];
  for (const shift of seen.shifts.filter((entry) => !entry.hadRecentInput)) {
    const continues =
      sessionWindow.length &&
      shift.startTime - sessionWindow[sessionWindow.length - 1]!.startTime < 1000 &&
      shift.startTime - sessionWindow[0]!.startTime < 5000;
    sessionWindow = continues ? [...sessionWindow, shift] : [shift];
    cls = Math.max(
      cls,
      sessionWindow.reduce((sum, entry) => sum + entry.value, 0),
    );
  }
  // INP with one interaction: its longest event.
  const inp = Math.max(...seen.events.filter((event) => event.id > 0).map((event) => event.duration));
  expect(cls).toBeGreaterThan(0);
  expect(inp).toBeGreaterThanOrEqual(150);

  const vital = async (name: string) =>
    (await readKeptSpans(tracesFile())).find((span) => span.name === `web-vital ${name}` && span.attributes['session.id'] === sessionId);
  await expect.poll(async () => Boolean((await vital('CLS')) && (await vital('INP'))), { timeout: 20_000 }).toBe(true);
  const [clsSpan, inpSpan] = [(await vital('CLS'))!, (await vital('INP'))!];
  expect(Number(clsSpan.attributes['web_vital.value'])).toBeCloseTo(cls, 6);
  expect(clsSpan.attributes['web_vital.rating']).toBe(cls <= 0.1 ? 'good' : cls <= 0.25 ? 'needs-improvement' : 'poor');
  expect(Number(inpSpan.attributes['web_vital.value'])).toBe(inp);
  expect(inpSpan.attributes['web_vital.rating']).toBe(inp <= 200 ? 'good' : inp <= 500 ? 'needs-improvement' : 'poor');
  // Recorded against the journey: under the page's documentLoad span, in its trace.
  const spans = await waitForTrace(tracesFile(), clsSpan.traceId, (arrived) => arrived.some((span) => span.name === 'documentLoad'));
  const load = spans.find((span) => span.name === 'documentLoad')!;
  expect(clsSpan.parentSpanId).toBe(load.spanId);
  expect(inpSpan.parentSpanId).toBe(load.spanId);
});

test('the document load joins the server trace from Server-Timing; web vitals are reported under it', async ({ page }) => {
  const traceId = randomBytes(16).toString('hex');
  const serverSpanId = randomBytes(8).toString('hex');
  await openPlainPage(page, { traceparent: `00-${traceId}-${serverSpanId}-01` });
  await page.locator('h1').click(); // An input finalises LCP, which is then reported.

  const spans = await waitForTrace(tracesFile(), traceId, (arrived) =>
    ['documentLoad', 'documentFetch', 'web-vital TTFB', 'web-vital LCP'].every((name) => arrived.some((span) => span.name === name)),
  );
  const load = spans.find((span) => span.name === 'documentLoad')!;
  expect(load.parentSpanId).toBe(serverSpanId);
  expect(spans.find((span) => span.name === 'documentFetch')!.parentSpanId).toBe(load.spanId);
  const lcp = spans.find((span) => span.name === 'web-vital LCP')!;
  expect(lcp.parentSpanId).toBe(load.spanId);
  expect(Number(lcp.attributes['web_vital.value'])).toBeGreaterThan(0);
});

test('session: one id across reloads and tabs, a new one with a session.start marker after 30 minutes idle', async ({ page, context }) => {
  await openPlainPage(page);
  const first = await page.evaluate(() => window.journeytrace.journey!.sessionId);
  expect(first).toMatch(/^[0-9a-f]{32}$/);
  await page.reload();
  await page.waitForFunction(() => Boolean(window.journeytrace?.journey));
  expect(await page.evaluate(() => window.journeytrace.journey!.sessionId)).toBe(first);
  const tab = await context.newPage();
  await openPlainPage(tab);
  expect(await tab.evaluate(() => window.journeytrace.journey!.sessionId)).toBe(first);
  await tab.close();

  // 31 minutes idle, as storage would hold it; the next activity starts a new session.
  const second = await page.evaluate(() => {
    const record = JSON.parse(localStorage.getItem('journeytrace.session')!) as { lastActiveAt: number; startedAt: number };
    localStorage.setItem(
      'journeytrace.session',
      JSON.stringify({ ...record, startedAt: record.startedAt - 31 * 60_000, lastActiveAt: Date.now() - 31 * 60_000 }),
    );
    return window.journeytrace.journey!.sessionId;
  });
  expect(second).not.toBe(first);
  expect(second).toMatch(/^[0-9a-f]{32}$/);
  await page.evaluate(() => window.journeytrace.journey!.forceFlush());
  await expect
    .poll(
      async () =>
        (await readKeptSpans(tracesFile())).find((span) => span.name === 'session.start' && span.attributes['session.id'] === second)?.attributes[
          'session.previous_id'
        ],
      { timeout: 15_000 },
    )
    .toBe(first);
  await page.reload();
  await page.waitForFunction(() => Boolean(window.journeytrace?.journey));
  expect(await page.evaluate(() => window.journeytrace.journey!.sessionId)).toBe(second);
});

test('head sampling per session with a tier override: an unsampled session sends traceparent flags 00 and no spans', async ({ page }) => {
  const network = await recordNetwork(page);
  await openPlainPage(page, { data: { 'sample-rate': '0', 'sample-rate-by-tier': 'vip=1', 'user-tier': 'free' } });
  expect(await page.evaluate(() => window.journeytrace.journey!.sampled)).toBe(false);
  const unsampled = await page.evaluate(() =>
    window.journeytrace.journey!.step('not traced', async (step) => {
      await fetch('/hop/unsampled');
      return step.traceId;
    }),
  );
  const header = network.all().find((request) => request.url.endsWith('/hop/unsampled'))?.headers.traceparent;
  expect(header).toBe(`00-${unsampled}-${header?.split('-')[2]}-00`);

  await page.evaluate(() => window.journeytrace.journey!.setUser({ tier: 'vip' }));
  expect(await page.evaluate(() => window.journeytrace.journey!.sampled)).toBe(true);
  const sampled = await page.evaluate(() =>
    window.journeytrace.journey!.step('traced', async (step) => {
      await fetch('/hop/vip');
      return step.traceId;
    }),
  );
  await page.evaluate(() => window.journeytrace.journey!.forceFlush());
  await waitForTrace(tracesFile(), sampled, (arrived) => arrived.some((span) => span.name === 'traced'));
  expect((await readKeptSpans(tracesFile())).filter((span) => span.traceId === unsampled)).toEqual([]);
});

test('relayUrl: spans go through the edge relay, gzip-compressed, with the browser clock reading in a header', async ({ page }) => {
  const network = await recordNetwork(page);
  await openPlainPage(page, { data: { 'collector-url': '', 'relay-url': edgeUrl() } });
  const traceId = await page.evaluate(() =>
    window.journeytrace.journey!.step('relayed', async (step) => {
      await fetch('/hop/relayed');
      return step.traceId;
    }),
  );
  await page.evaluate(() => window.journeytrace.journey!.forceFlush());
  await page.evaluate(() => window.journeytrace.journey!.step('relayed again', async () => void (await fetch('/hop/relayed'))));
  await page.evaluate(() => window.journeytrace.journey!.forceFlush());

  const spans = await waitForTrace(
    tracesFile(),
    traceId,
    (arrived) => arrived.some((span) => span.name === 'relayed') && arrived.some((span) => urlOf(span).endsWith('/hop/relayed')),
  );
  expect(spans.find((span) => urlOf(span).endsWith('/hop/relayed'))!.parentSpanId).toBe(spans.find((span) => span.name === 'relayed')!.spanId);
  const exports = network.all().filter((request) => request.url.startsWith(`${edgeUrl()}/v1/traces`) && request.method === 'POST');
  expect(exports.length).toBeGreaterThanOrEqual(2);
  for (const request of exports) {
    expect(request.url).toBe(`${edgeUrl()}/v1/traces`);
    expect(request.headers['journeytrace-sent-at']).toMatch(/^\d{13}$/);
    expect(request.headers['content-encoding']).toBe('gzip');
  }
  // That the preflight is then cached is checked on the demo shop (edge-relay.spec.ts): page.route
  // here makes Playwright turn the browser's cache off, preflight cache included.
  expect(network.all().some((request) => request.url.startsWith(collectorUrl))).toBe(false);
  expect(await page.evaluate(() => window.journeytrace.journey!.droppedSpans)).toBe(0);
});

test('OTEL_LOG_LEVEL=warn: the SDK tells the console what it could not use; unset, it stays quiet', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning' && message.text().includes('journeytrace:')) warnings.push(message.text());
  });
  await openPlainPage(page, { config: { OTEL_BSP_SCHEDULE_DELAY: 'soon' } });
  expect(warnings, 'no logger installed without OTEL_LOG_LEVEL, as in OpenTelemetry').toEqual([]);
  await openPlainPage(page, { config: { OTEL_LOG_LEVEL: 'warn', OTEL_BSP_SCHEDULE_DELAY: 'soon' } });
  await expect.poll(() => warnings).toEqual([expect.stringMatching(/journeytrace: .*"soon" is not valid; using 1000/)]);
});

/**
 * A plain page whose spans go through the edge relay, sent only by `forceFlush()`; returns the
 * statuses the relay answered its exports with, as they come.
 */
async function openRelayedPage(page: Page, config: Record<string, string> = {}): Promise<number[]> {
  const statuses: number[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(`${edgeUrl()}/v1/traces`) && response.request().method() === 'POST') statuses.push(response.status());
  });
  await openPlainPage(page, { data: { 'collector-url': '', 'relay-url': edgeUrl() }, config: { OTEL_BSP_SCHEDULE_DELAY: '60000', ...config } });
  return statuses;
}

test('a batch the relay refuses as too large (413) goes again in halves: only the oversized span is lost', async ({ page }) => {
  const statuses = await openRelayedPage(page);
  // Two steps in one batch; one carries 1.5 MiB (gzip makes it small on the wire, the relay counts it decoded).
  const traceIds = await page.evaluate(async () => {
    const journey = window.journeytrace.journey!;
    const small = await journey.step('small step', async (step) => step.traceId);
    const huge = await journey.step('huge step', async (step) => {
      step.span.setAttribute('app.blob', 'x'.repeat(1.5 * 1024 * 1024));
      return step.traceId;
    });
    await journey.forceFlush();
    return { small, huge };
  });
  await waitForTrace(tracesFile(), traceIds.small, (arrived) => arrived.some((span) => span.name === 'small step'));
  expect(statuses[0]).toBe(413);
  expect(statuses).toContain(200);
  expect(await page.evaluate(() => window.journeytrace.journey!.droppedSpans)).toBe(1);
  expect((await readKeptSpans(tracesFile())).filter((span) => span.traceId === traceIds.huge)).toEqual([]);
});

test('a NaN attribute goes from the page through the relay to the collector (proto3 JSON "NaN"), its batch not refused', async ({ page }) => {
  const statuses = await openRelayedPage(page);
  const traceId = await page.evaluate(async () => {
    const journey = window.journeytrace.journey!;
    // An allow-listed key (http.*), so the relay passes it on.
    const id = await journey.step('not a number', async (step) => {
      step.span.setAttribute('http.response_content_length', NaN);
      return step.traceId;
    });
    await journey.forceFlush();
    return id;
  });
  const [step] = await waitForTrace(tracesFile(), traceId, (arrived) => arrived.some((span) => span.name === 'not a number'));
  expect(step!.attributes['http.response_content_length']).toBeNaN();
  expect(statuses).not.toContain(400);
  expect(await page.evaluate(() => window.journeytrace.journey!.droppedSpans)).toBe(0);
});

test('a span the relay leaves out of an accepted batch (partial success) is counted and reported by the page; the rest arrive', async ({ page }) => {
  // The SDK never makes a span the relay must leave out: on its way to the (real) relay, the
  // export gets one span id zeroed.
  await page.route(`${edgeUrl()}/v1/traces`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const body = JSON.parse(route.request().postDataBuffer()!.toString('utf8')) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; spanId: string }> }> }>;
    };
    for (const span of body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans))) {
      if (span.name === 'left out') span.spanId = '0'.repeat(16);
    }
    await route.continue({ postData: JSON.stringify(body) });
  });
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  const statuses = await openRelayedPage(page, { OTEL_EXPORTER_OTLP_COMPRESSION: 'none', OTEL_LOG_LEVEL: 'warn' });
  const traceIds = await page.evaluate(async () => {
    const journey = window.journeytrace.journey!;
    const kept = await journey.step('kept', async (step) => step.traceId);
    const leftOut = await journey.step('left out', async (step) => step.traceId);
    await journey.forceFlush();
    return { kept, leftOut };
  });
  await waitForTrace(tracesFile(), traceIds.kept, (arrived) => arrived.some((span) => span.name === 'kept'));
  expect(statuses).toEqual([200]);
  expect(await page.evaluate(() => window.journeytrace.journey!.droppedSpans)).toBe(1);
  await expect.poll(() => warnings).toContainEqual(expect.stringMatching(/rejected them: span "left out": missing or invalid spanId/));
  expect((await readKeptSpans(tracesFile())).filter((span) => span.traceId === traceIds.leftOut)).toEqual([]);
});
