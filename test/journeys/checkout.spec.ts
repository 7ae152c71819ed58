import { expect, test } from '@playwright/test';
import { SpanKind, waitForTrace, type KeptSpan } from '../support/collectorOutput.js';

const appUrl = () => required('JOURNEYTRACE_APP_URL');
const tracesFile = () => required('JOURNEYTRACE_TRACES_FILE');

const isBrowser = (span: KeptSpan) => span.resource['telemetry.sdk.language'] === 'webjs';
const isEdge = (span: KeptSpan) => span.resource['cloud.provider'] === 'cloudflare';
const isOrigin = (span: KeptSpan) => span.resource['telemetry.sdk.language'] === 'nodejs';

/** The hops of one checkout, found by who made them and how they link. */
function checkoutHops(spans: KeptSpan[]) {
  const step = spans.find((span) => isBrowser(span) && span.name === 'checkout');
  const browserFetch = spans.find((span) => isBrowser(span) && span.kind === SpanKind.CLIENT);
  const edgeServer = spans.find((span) => isEdge(span) && span.kind === SpanKind.SERVER);
  const edgeClient = spans.find((span) => isEdge(span) && span.kind === SpanKind.CLIENT);
  const originServer = spans.find((span) => isOrigin(span) && span.kind === SpanKind.SERVER);
  return { step, browserFetch, edgeServer, edgeClient, originServer };
}

test('a premium checkout is ONE trace: browser -> edge worker -> checkout-api', async ({ page }) => {
  await page.goto(appUrl());
  await page.locator('[data-testid=tier]').selectOption('premium');
  await page.locator('[data-testid=scenario]').selectOption('ok');
  await page.locator('[data-testid=checkout]').click();

  const result = page.locator('[data-testid=result]');
  await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/);
  await expect(result).toContainText('placed');
  const traceId = (await result.getAttribute('data-trace-id'))!;
  const sessionId = await page.evaluate(() => sessionStorage.getItem('journeytrace.session.id'));
  expect(sessionId).toMatch(/^[0-9a-f]{32}$/);

  const spans = await waitForTrace(tracesFile(), traceId, (arrived) => Object.values(checkoutHops(arrived)).every(Boolean));
  const { step, browserFetch, edgeServer, edgeClient, originServer } = checkoutHops(spans);

  // The parent chain, hop by hop: step -> fetch -> edge SERVER -> edge CLIENT -> origin SERVER.
  expect(browserFetch!.parentSpanId).toBe(step!.spanId);
  expect(edgeServer!.parentSpanId).toBe(browserFetch!.spanId);
  expect(edgeClient!.parentSpanId).toBe(edgeServer!.spanId);
  expect(originServer!.parentSpanId).toBe(edgeClient!.spanId);

  // Baggage, promoted to attributes where the collector's tail sampler can see it.
  for (const span of [edgeServer!, originServer!]) {
    expect(span.attributes['session.id'], `${span.service} ${span.name}`).toBe(sessionId);
    expect(span.attributes['user.tier'], `${span.service} ${span.name}`).toBe('premium');
  }

  // Stable HTTP semantic conventions and where each hop ran.
  expect(edgeServer!.name).toBe('POST /api/checkout');
  expect(edgeServer!.attributes).toMatchObject({
    'http.request.method': 'POST',
    'http.route': '/api/checkout',
    'http.response.status_code': 200,
  });
  expect(edgeServer!.resource['cloud.provider']).toBe('cloudflare');
  expect(originServer!.attributes['http.response.status_code']).toBe(200);
  expect(originServer!.service).toBe('checkout-api');
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
}
