/**
 * The demo's checkout journey, per scenario: every hop of the seed's sequence diagram in ONE
 * trace (the orders hop through a real Kafka topic), with the right span kinds and parent links, and log lines that carry the trace id.
 * Twice: on the run's stack, whose services export to the real collector (its file output is
 * the ground truth), and on a stack with no collector at all, whose services export to the kit's
 * built-in OTLP receiver (a user's CI path).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Journey, type JourneyTrace, type KeptSpan, type SpanSelector } from '@journeytrace/playwright';
import type { Page } from '@playwright/test';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { checkoutInShop } from './support/shop.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};

/** The seed's hops, browser to payment, each the parent of the next. */
const CHECKOUT_CHAIN: SpanSelector[] = [
  { service: 'shop-web', name: 'checkout', kind: 'INTERNAL' },
  { service: 'shop-web', kind: 'CLIENT' },
  { service: 'edge-worker', name: 'POST /api/checkout', kind: 'SERVER' },
  { service: 'edge-worker', kind: 'CLIENT' },
  { service: 'checkout-api', kind: 'SERVER' },
  { service: 'checkout-api', kind: 'CLIENT', attributes: { 'rpc.system': 'grpc' } },
  { service: 'inventory', kind: 'SERVER', attributes: { 'rpc.system': 'grpc' } },
  {
    service: 'inventory',
    kind: 'PRODUCER',
    attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'send' },
  },
  {
    service: 'orders-worker',
    kind: 'CONSUMER',
    attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders', 'messaging.operation.type': 'process' },
  },
  { service: 'orders-worker', kind: 'CLIENT' },
  { service: 'payment', kind: 'SERVER' },
];
const SERVICES = [...new Set(CHECKOUT_CHAIN.map((hop) => hop.service!))];

/** The stack a group of tests runs on: its app and its run folder (service logs). */
interface Target {
  appUrl: () => string;
  runDir: () => string;
}

async function runCheckout(target: Target, page: Page, tier: string, scenario: string) {
  const { result, traceId } = await checkoutInShop(page, target.appUrl(), tier, scenario);
  const sessionId = await page.evaluate(() => (JSON.parse(localStorage.getItem('journeytrace.session') ?? '{}') as { id?: string }).id);
  return { result, traceId, sessionId };
}

const HOP_NAMES = [
  'step',
  'browserFetch',
  'edgeServer',
  'edgeClient',
  'checkoutServer',
  'inventoryClient',
  'inventoryServer',
  'producer',
  'consumer',
  'paymentClient',
  'paymentServer',
] as const;
type Hops = Record<(typeof HOP_NAMES)[number], KeptSpan>;

/** Waits for every service's spans, then checks the whole chain and returns its hops by name. */
async function wholeJourney(journey: Journey, traceId: string): Promise<{ trace: JourneyTrace; hops: Hops }> {
  const trace = await journey.trace(traceId, {
    until: (arrived) =>
      SERVICES.every((service) => arrived.findAll({ service }).length > 0) &&
      // Every hop: a browser click span of the same trace may arrive before the step and its fetch.
      CHECKOUT_CHAIN.every((hop) => arrived.findAll(hop).length > 0),
  });
  const chain = trace.expectChain(...CHECKOUT_CHAIN);
  const hops = Object.fromEntries(HOP_NAMES.map((name, index) => [name, chain[index]!])) as Hops;
  // The consumer also links to its message's producer span (messaging conventions).
  expect(hops.consumer.links).toContain(hops.producer.spanId);
  trace.expectNoOrphans();
  return { trace, hops };
}

/** The edge and every origin service logged a JSON line carrying this trace id. */
async function expectLogsCarry(target: Target, traceId: string) {
  for (const service of ['edge-worker', 'checkout-api', 'inventory', 'orders-worker', 'payment']) {
    const log = await readFile(join(target.runDir(), `${service}.log`), 'utf8');
    const lines = log.split('\n').filter((line) => line.includes(`"trace_id":"${traceId}"`));
    expect(lines.length, `${service} logs a line with trace_id ${traceId}`).toBeGreaterThan(0);
    expect(() => JSON.parse(lines[0]!.slice(lines[0]!.indexOf('{')))).not.toThrow();
  }
}

/** The three scenarios, on `target`'s stack, read from whatever trace source the fixture has. */
function checkoutScenarios(target: Target) {
  test('ok: a premium checkout is ONE trace through every hop, with session and tier on edge and origin spans', async ({ page, journey }) => {
    const { result, traceId, sessionId } = await runCheckout(target, page, 'premium', 'ok');
    await expect(result).toContainText('placed');
    // The edge announced the same trace to the page (Server-Timing).
    expect(journey.announcedTraceIds).toContain(traceId);
    const { trace, hops } = await wholeJourney(journey, traceId);
    trace.expectNoErrors();
    expect(sessionId).toMatch(/^[0-9a-f]{32}$/);
    for (const hop of ['edgeServer', 'checkoutServer', 'inventoryServer', 'consumer', 'paymentServer'] as const) {
      expect(hops[hop].attributes['session.id'], hop).toBe(sessionId);
      expect(hops[hop].attributes['user.tier'], hop).toBe('premium');
    }
    expect(hops.step.resource['telemetry.sdk.language']).toBe('webjs');
    expect(hops.edgeServer.resource['cloud.provider']).toBe('cloudflare');
    expect(hops.checkoutServer.resource['telemetry.sdk.language']).toBe('nodejs');
    expect(hops.edgeServer.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/api/checkout', 'http.response.status_code': 200 });
    // The order is stored in SQLite: DB spans under checkout-api's SERVER span, with no values.
    const insert = trace.span({ service: 'checkout-api', name: 'INSERT orders', kind: 'CLIENT' });
    expect(insert.parentSpanId).toBe(hops.checkoutServer.spanId);
    expect(insert.attributes).toMatchObject({ 'db.system.name': 'sqlite', 'db.operation.name': 'INSERT', 'db.collection.name': 'orders' });
    expect(insert.attributes['db.query.text']).toBe('INSERT INTO orders (id, sku, quantity, amount_cents, status, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    const update = trace.span({ service: 'checkout-api', name: 'UPDATE orders' });
    expect(update.parentSpanId).toBe(hops.checkoutServer.spanId);
    expect(update.attributes['db.query.text']).toBe('UPDATE orders SET status = ? WHERE id = ?');
    await expectLogsCarry(target, traceId);
  });

  test('error: the payment fails, the exception is recorded and ERROR goes up the chain to the page', async ({ page, journey }) => {
    const { result, traceId } = await runCheckout(target, page, 'free', 'error');
    await expect(result).toContainText('failed');
    const { hops } = await wholeJourney(journey, traceId);
    expect(hops.paymentServer.events).toContain('exception');
    for (const hop of ['paymentServer', 'paymentClient', 'consumer', 'checkoutServer', 'edgeServer', 'browserFetch', 'step'] as const) {
      expect(hops[hop].statusCode, `${hop} (${hops[hop].service} ${hops[hop].name}) is ERROR`).toBe(2);
    }
    expect(hops.edgeServer.attributes['http.response.status_code']).toBe(502);
    await expectLogsCarry(target, traceId);
  });

  test('slow: the origin takes more than 500 ms and the trace shows where', async ({ page, journey }) => {
    const { result, traceId } = await runCheckout(target, page, 'free', 'slow');
    await expect(result).toContainText('placed');
    const { hops } = await wholeJourney(journey, traceId);
    expect(hops.checkoutServer.endMillis - hops.checkoutServer.startMillis).toBeGreaterThan(500);
    // The time is spent in checkout-api itself, before it calls inventory.
    expect(hops.inventoryClient.startMillis - hops.checkoutServer.startMillis).toBeGreaterThan(500);
  });
}

checkoutScenarios({ appUrl: () => env('JOURNEYTRACE_APP_URL'), runDir: () => env('JOURNEYTRACE_RUN_DIR') });

test.describe('with the built-in receiver instead of a collector', () => {
  const stack = useDedicatedStack({ name: 'receiver', exportTo: 'receiver' });
  // journey.trace() reads what the worker's receiver kept (protobuf from the edge and the Node services).
  test.use({ traceSource: async ({ otlpReceiver }, use) => use(otlpReceiver) });
  checkoutScenarios({ appUrl: () => stack().urls.app, runDir: () => stack().runDir });

  test('no collector ran: the spans came to the receiver only', async ({ otlpReceiver }) => {
    expect(stack().services.map((service) => service.name)).not.toContain('collector');
    expect(stack().urls.collector).toBe(otlpReceiver.url);
    expect(await readFile(stack().tracesFile, 'utf8')).toBe('');
    expect(otlpReceiver.store.spanCount).toBeGreaterThan(0);
    // The services' metrics come too, and are accepted.
    expect(otlpReceiver.store.exportCounts.metrics).toBeGreaterThan(0);
  });
});
