/**
 * Tail sampling, judged on real journeys (Chromium -> edge on workerd -> origin services): the
 * collector keeps errors, slow journeys and premium/vip users whole, and keeps a share of the
 * rest. A second stack runs with that share at 0, beside the run's stack (share 100).
 * Head sampling meets tail sampling: a session the SDK does not sample sends traceparent flags 00,
 * and the edge and origin follow it, so such a journey leaves no span at all, not half of one.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import type { Stack } from '@journeytrace/tooling/stack/stack.js';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { checkoutInShop } from './support/shop.js';
import { randomHex } from '../../collector/support/spanSender.js';
import { browserSpans, jsonBody } from '@journeytrace/tooling/fixtures/testSpans.js';
import { readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { waitForTrace } from '@journeytrace/playwright/wait';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};

/** Every process a checkout passes through, by service name. */
const BROWSER = 'shop-web';
const SERVER_SIDE = ['edge-worker', 'checkout-api', 'inventory', 'orders-worker', 'payment'];

/**
 * Whole: each hop reported, and every span's parent is in the trace except the root's, whose
 * parent may be `remoteParent` (a caller outside the trace, e.g. a test client).
 */
function isWhole(services: readonly string[], remoteParent = '') {
  return (spans: KeptSpan[]) => {
    const ids = new Set(spans.map((span) => span.spanId));
    const roots = spans.filter((span) => !ids.has(span.parentSpanId));
    return services.every((service) => spans.some((span) => span.service === service)) && roots.length === 1 && roots[0]!.parentSpanId === remoteParent;
  };
}
const wholeJourney = isWhole([BROWSER, ...SERVER_SIDE]);

/** One checkout through the page; resolves with the journey's trace id once the page shows it. */
const checkout = async (page: Page, appUrl: string, tier: string, scenario: string) => (await checkoutInShop(page, appUrl, tier, scenario)).traceId;

/** Waits past the collector's decision for everything sent so far (test overlay: 1 s). */
const pastDecision = () => new Promise((resolve) => setTimeout(resolve, 2_500));

async function spansOf(tracesFile: string, traceId: string): Promise<KeptSpan[]> {
  return (await readKeptSpans(tracesFile)).filter((span) => span.traceId === traceId);
}

test.describe('baseline share 100 (the run stack)', () => {
  test('a free, ok, fast journey is kept, whole', async ({ page }) => {
    const traceId = await checkout(page, env('JOURNEYTRACE_APP_URL'), 'free', 'ok');
    await expect(page.locator('[data-testid=result]')).toContainText('placed');
    await waitForTrace(env('JOURNEYTRACE_TRACES_FILE'), traceId, wholeJourney);
  });

  test('an unsampled traceparent (flag 00) yields no edge or origin span; a sampled one is kept whole', async ({ request }) => {
    const edgeUrl = env('JOURNEYTRACE_EDGE_URL');
    const tracesFile = env('JOURNEYTRACE_TRACES_FILE');
    const unsampled = await postCheckout(request, edgeUrl, '00');
    // The sampled twin is the barrier: once it is kept, the unsampled one was judged too.
    const sampled = await postCheckout(request, edgeUrl, '01');
    await waitForTrace(tracesFile, sampled.traceId, isWhole(SERVER_SIDE, sampled.parentId));
    await pastDecision();
    // Share 100: anything that had reached the collector would have been kept.
    expect(await spansOf(tracesFile, unsampled.traceId)).toEqual([]);
  });
});

/** POSTs a checkout to the edge as a caller whose own span is `parentId`, sampled or not. */
async function postCheckout(request: APIRequestContext, edgeUrl: string, flags: '00' | '01') {
  const traceId = randomHex(32);
  const parentId = randomHex(16);
  const response = await request.post(`${edgeUrl}/api/checkout`, {
    headers: { traceparent: `00-${traceId}-${parentId}-${flags}`, 'content-type': 'application/json' },
    data: { scenario: 'ok' },
  });
  expect(response.status(), `checkout with trace flags ${flags}`).toBe(200);
  return { traceId, parentId };
}

/** The SDK's journey as its script-tag build exposes it on `window.journeytrace`. */
interface ScriptTagJourney {
  sampled: boolean;
  step<T>(name: string, fn: (step: { traceId: string }) => Promise<T>): Promise<T>;
  forceFlush(): Promise<void>;
}

/**
 * The demo's plain page (the SDK's script-tag build, served from loopback like a real site),
 * initialised with the given sample rate.
 */
async function openSdkPage(page: Page, stack: Stack, options: { sampleRate: number }): Promise<void> {
  const config = { serviceName: BROWSER, collectorUrl: stack.urls.collector, propagateTo: [stack.urls.edge], sampleRate: options.sampleRate };
  await page.goto(`${stack.urls.app}/plain.html?config=${encodeURIComponent(JSON.stringify(config))}`);
  await page.waitForFunction(() => Boolean((window as unknown as { journeytrace?: { journey?: unknown } }).journeytrace?.journey));
}

/** A checkout step through the SDK: the step span, its fetch to the edge, the whole origin path. */
async function checkoutThroughSdk(page: Page, edgeUrl: string, scenario: string): Promise<{ traceId: string; sampled: boolean }> {
  return page.evaluate(
    async ({ edge, scenario }) => {
      const journey = (window as unknown as { journeytrace: { journey: ScriptTagJourney } }).journeytrace.journey;
      const traceId = await journey.step('checkout', async (step) => {
        const response = await fetch(`${edge}/api/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ scenario }),
        });
        await response.body?.cancel();
        return step.traceId;
      });
      await journey.forceFlush();
      return { traceId, sampled: journey.sampled };
    },
    { edge: edgeUrl, scenario },
  );
}

test.describe('baseline share 0 (a second stack)', () => {
  const stack = useDedicatedStack({ name: 'share-0', collectorEnv: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '0' } });

  test('an error journey is kept, whole', async ({ page }) => {
    const traceId = await checkout(page, stack().urls.app, 'free', 'error');
    await waitForTrace(stack().tracesFile, traceId, wholeJourney);
  });

  test('a slow journey (> 500 ms) is kept, whole', async ({ page }) => {
    const traceId = await checkout(page, stack().urls.app, 'free', 'slow');
    await waitForTrace(stack().tracesFile, traceId, wholeJourney);
  });

  for (const tier of ['premium', 'vip']) {
    test(`a ${tier} journey is kept, whole`, async ({ page }) => {
      const traceId = await checkout(page, stack().urls.app, tier, 'ok');
      const spans = await waitForTrace(stack().tracesFile, traceId, wholeJourney);
      expect(spans.find((span) => span.service === 'edge-worker')?.attributes['user.tier']).toBe(tier);
    });
  }

  test('head meets tail: a journey dropped at the head sends no span at all; one kept at the head is judged whole', async ({ page }) => {
    // Failing journeys, which the tail keeps whenever any of their spans arrive.
    await openSdkPage(page, stack(), { sampleRate: 0 });
    const dropped = await checkoutThroughSdk(page, stack().urls.edge, 'error');
    expect(dropped.sampled, 'the session is not sampled at sample rate 0').toBe(false);
    await openSdkPage(page, stack(), { sampleRate: 1 });
    const kept = await checkoutThroughSdk(page, stack().urls.edge, 'error');
    expect(kept.sampled, 'the session is sampled at sample rate 1').toBe(true);

    await waitForTrace(stack().tracesFile, kept.traceId, wholeJourney);
    await pastDecision();
    expect(await spansOf(stack().tracesFile, dropped.traceId), 'no browser, edge or origin span of the unsampled journey').toEqual([]);
  });

  test('a forged browser batch cannot keep a journey: its ERROR and 10-minute spans posted to the edge relay are dropped; a real error journey is kept', async ({
    page,
  }) => {
    // What anyone can post to the relay: an ERROR span, a span lasting 10 minutes, and the same
    // spans under a backend's name (which the relay refuses).
    const spans = await browserSpans(Date.now() - 600_000);
    const forgedTraceId = spans[0]!.spanContext().traceId;
    const body = JSON.parse(new TextDecoder().decode(jsonBody(spans))) as {
      resourceSpans: Array<{
        resource: { attributes: Array<{ key: string; value: unknown }> };
        scopeSpans: Array<{ spans: Array<{ name: string; spanId: string; endTimeUnixNano: string; status?: { code: number } }> }>;
      }>;
    };
    const forged = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(
      forged.some((span) => span.status?.code === 2),
      'the batch holds an ERROR span',
    ).toBe(true);
    forged.find((span) => span.name === 'checkout')!.endTimeUnixNano = String(BigInt(Date.now()) * 1_000_000n);
    const impostor = structuredClone(body.resourceSpans[0]!);
    impostor.resource.attributes = [{ key: 'service.name', value: { stringValue: 'payment' } }];
    for (const span of impostor.scopeSpans[0]!.spans) span.spanId = span.spanId.replace(/^../, 'ee');
    body.resourceSpans.push(impostor);
    const answer = await fetch(`${stack().urls.edge}/v1/traces`, {
      method: 'POST',
      headers: { origin: stack().urls.app, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { partialSuccess?: { rejectedSpans?: string } }).partialSuccess?.rejectedSpans, 'the backend-named spans').toBe('2');

    // A real failing journey after it is kept (and is the barrier: the forged one was judged by then).
    const real = await checkout(page, stack().urls.app, 'free', 'error');
    await waitForTrace(stack().tracesFile, real, wholeJourney);
    await pastDecision();
    expect(await spansOf(stack().tracesFile, forgedTraceId), 'no span of the forged browser-only journey').toEqual([]);
  });

  test('a free, ok, fast journey is dropped: not one of its spans is kept', async ({ page }) => {
    const dropped = await checkout(page, stack().urls.app, 'free', 'ok');
    await expect(page.locator('[data-testid=result]')).toContainText('placed');
    // A vip journey after it is the barrier: it is kept, so everything before it was judged.
    const kept = await checkout(page, stack().urls.app, 'vip', 'ok');
    await waitForTrace(stack().tracesFile, kept, wholeJourney);
    await pastDecision();
    expect(await spansOf(stack().tracesFile, dropped)).toEqual([]);
  });
});
