/**
 * The demo's checkout journey, per scenario: every hop of the seed's sequence diagram in ONE
 * trace, with the right span kinds and parent links, and log lines that carry the trace id.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SpanKind, StatusCode, waitForTrace, type KeptSpan } from '../support/collectorOutput.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};

const isBrowser = (span: KeptSpan) => span.resource['telemetry.sdk.language'] === 'webjs';
const isEdge = (span: KeptSpan) => span.resource['cloud.provider'] === 'cloudflare';
const isNode = (service: string) => (span: KeptSpan) => span.resource['telemetry.sdk.language'] === 'nodejs' && span.service === service;

/** The hops of one checkout, found by who made them and what kind of span they are. */
function checkoutHops(spans: KeptSpan[]) {
  const find = (predicate: (span: KeptSpan) => boolean) => spans.find(predicate);
  return {
    step: find((span) => isBrowser(span) && span.name === 'checkout'),
    browserFetch: find((span) => isBrowser(span) && span.kind === SpanKind.CLIENT),
    edgeServer: find((span) => isEdge(span) && span.kind === SpanKind.SERVER),
    edgeClient: find((span) => isEdge(span) && span.kind === SpanKind.CLIENT && span.attributes['url.full'] !== undefined),
    checkoutServer: find((span) => isNode('checkout-api')(span) && span.kind === SpanKind.SERVER),
    inventoryClient: find((span) => isNode('checkout-api')(span) && span.kind === SpanKind.CLIENT && span.attributes['rpc.system'] === 'grpc'),
    inventoryServer: find((span) => isNode('inventory')(span) && span.kind === SpanKind.SERVER && span.attributes['rpc.system'] === 'grpc'),
    producer: find((span) => isNode('inventory')(span) && span.kind === SpanKind.PRODUCER),
    consumer: find((span) => isNode('orders-worker')(span) && span.kind === SpanKind.CONSUMER),
    paymentClient: find((span) => isNode('orders-worker')(span) && span.kind === SpanKind.CLIENT),
    paymentServer: find((span) => isNode('payment')(span) && span.kind === SpanKind.SERVER),
  };
}
type Hops = { [K in keyof ReturnType<typeof checkoutHops>]: KeptSpan };
const complete = (spans: KeptSpan[]) => Object.values(checkoutHops(spans)).every(Boolean);

async function runCheckout(page: Page, tier: string, scenario: string) {
  await page.goto(env('JOURNEYTRACE_APP_URL'));
  await page.locator('[data-testid=tier]').selectOption(tier);
  await page.locator('[data-testid=scenario]').selectOption(scenario);
  await page.locator('[data-testid=checkout]').click();
  const result = page.locator('[data-testid=result]');
  await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/, { timeout: 20_000 });
  const traceId = (await result.getAttribute('data-trace-id'))!;
  const sessionId = await page.evaluate(() => sessionStorage.getItem('journeytrace.session.id'));
  const spans = await waitForTrace(env('JOURNEYTRACE_TRACES_FILE'), traceId, complete);
  return { result, traceId, sessionId, hops: checkoutHops(spans) as Hops, spans };
}

/** browser step -> fetch -> edge -> checkout-api -> gRPC -> inventory -> queue -> worker -> payment. */
function expectWholeChain(hops: Hops) {
  const chain: Array<[keyof Hops, keyof Hops]> = [
    ['browserFetch', 'step'],
    ['edgeServer', 'browserFetch'],
    ['edgeClient', 'edgeServer'],
    ['checkoutServer', 'edgeClient'],
    ['inventoryClient', 'checkoutServer'],
    ['inventoryServer', 'inventoryClient'],
    ['producer', 'inventoryServer'],
    ['consumer', 'producer'],
    ['paymentClient', 'consumer'],
    ['paymentServer', 'paymentClient'],
  ];
  for (const [child, parent] of chain) {
    expect(hops[child].parentSpanId, `${child} (${hops[child].service} ${hops[child].name}) is a child of ${parent}`).toBe(hops[parent].spanId);
  }
  // The consumer also links to the message's producer span (messaging conventions).
  expect(hops.consumer.links).toContain(hops.producer.spanId);
  expect(hops.producer.attributes).toMatchObject({ 'messaging.destination.name': 'orders', 'messaging.operation.type': 'send' });
  expect(hops.consumer.attributes).toMatchObject({ 'messaging.destination.name': 'orders', 'messaging.operation.type': 'process' });
  expect(hops.edgeServer.name).toBe('POST /api/checkout');
  expect(hops.edgeServer.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/checkout' });
}

/** Every origin service logged a JSON line carrying this trace id. */
async function expectLogsCarry(traceId: string) {
  for (const service of ['checkout-api', 'inventory', 'orders-worker', 'payment']) {
    const log = await readFile(join(env('JOURNEYTRACE_RUN_DIR'), `${service}.log`), 'utf8');
    const lines = log.split('\n').filter((line) => line.includes(`"trace_id":"${traceId}"`));
    expect(lines.length, `${service} logs a line with trace_id ${traceId}`).toBeGreaterThan(0);
    expect(() => JSON.parse(lines[0]!)).not.toThrow();
  }
}

test('ok: a premium checkout is ONE trace through every hop, with session and tier on edge and origin spans', async ({ page }) => {
  const { result, traceId, sessionId, hops, spans } = await runCheckout(page, 'premium', 'ok');
  await expect(result).toContainText('placed');
  expectWholeChain(hops);
  expect(spans.filter((span) => span.statusCode === StatusCode.ERROR)).toEqual([]);
  expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
  for (const span of [hops.edgeServer, hops.checkoutServer, hops.inventoryServer, hops.consumer, hops.paymentServer]) {
    expect(span.attributes['session.id'], `${span.service} ${span.name}`).toBe(sessionId);
    expect(span.attributes['user.tier'], `${span.service} ${span.name}`).toBe('premium');
  }
  expect(hops.edgeServer.resource['cloud.provider']).toBe('cloudflare');
  expect(hops.edgeServer.attributes['http.response.status_code']).toBe(200);
  await expectLogsCarry(traceId);
});

test('error: the payment fails, the exception is recorded and ERROR goes up the chain to the page', async ({ page }) => {
  const { result, traceId, hops } = await runCheckout(page, 'free', 'error');
  await expect(result).toContainText('failed');
  expectWholeChain(hops);
  expect(hops.paymentServer.events).toContain('exception');
  for (const hop of ['paymentServer', 'paymentClient', 'consumer', 'checkoutServer', 'edgeServer', 'browserFetch', 'step'] as const) {
    expect(hops[hop].statusCode, `${hop} (${hops[hop].service} ${hops[hop].name}) is ERROR`).toBe(StatusCode.ERROR);
  }
  expect(hops.edgeServer.attributes['http.response.status_code']).toBe(502);
  await expectLogsCarry(traceId);
});

test('slow: the origin takes more than 500 ms and the trace shows where', async ({ page }) => {
  const { result, hops } = await runCheckout(page, 'free', 'slow');
  await expect(result).toContainText('placed');
  expectWholeChain(hops);
  const duration = (span: KeptSpan) => span.endMillis - span.startMillis;
  expect(duration(hops.checkoutServer)).toBeGreaterThan(500);
  // The time is spent in checkout-api itself, before it calls inventory.
  expect(hops.inventoryClient.startMillis - hops.checkoutServer.startMillis).toBeGreaterThan(500);
});
