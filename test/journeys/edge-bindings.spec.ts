/**
 * Bindings in the journey, in workerd (wrangler dev's local KV, D1, R2, Cache API and a second
 * Worker behind a service binding) against the real collector: one request to the test edge
 * (test/workers/bindings/edge) makes one trace in which every binding operation is a CLIENT
 * span under the edge's SERVER span, with the database conventions and nothing personal, and
 * the bound Worker continues the trace in a SERVER span under the service-binding CLIENT span,
 * having received only the baggage keys the caller allowed. RPC to a Durable Object and to a
 * `WorkerEntrypoint`, the object's SQL storage and alarm, and a cron trigger join traces too.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { configWithVars, startWranglerDev, type RunningWorker } from '@journeytrace/tooling/stack/wranglerDev.js';
import { SpanKind, readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};
const randomHex = (length: number) => crypto.randomUUID().replaceAll('-', '').slice(0, length);
const WORKERS = join(ROOT, 'test/workers/bindings');

let worker: RunningWorker;
test.beforeAll(async () => {
  const runDir = join(env('JOURNEYTRACE_RUN_DIR'), 'bindings');
  worker = await startWranglerDev({
    name: 'bindings',
    cwd: join(WORKERS, 'edge'),
    runDir,
    vars: { OTEL_EXPORTER_OTLP_ENDPOINT: env('JOURNEYTRACE_COLLECTOR_URL') },
    moreConfigs: [configWithVars(join(WORKERS, 'recommendations/wrangler.toml'), runDir, { OTEL_EXPORTER_OTLP_ENDPOINT: env('JOURNEYTRACE_COLLECTOR_URL') })],
    testScheduled: true,
  });
});
test.afterAll(async () => {
  await worker?.stop();
});

test('KV, D1, R2, Cache API and a service binding: one trace, one CLIENT span per operation, the bound Worker under it with allowed baggage only', async () => {
  const traceId = randomHex(32);
  const callerSpanId = randomHex(16);
  const run = randomHex(8);
  const response = await fetch(`${worker.url}/journey?run=${run}`, {
    headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, baggage: 'session.id=bindings-session,user.tier=vip,internal.note=keep-me-home' },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({
    priceList: { socks: 5 },
    missing: null,
    cart: { id: run },
    receipt: 'receipt',
    cacheBefore: false,
    cacheAfter: true,
    recommended: { items: ['socks', 'hat'], receivedBaggage: 'session.id=bindings-session,user.tier=vip' },
  });

  let spans: KeptSpan[] = [];
  const ofTrace = () => spans.filter((span) => span.traceId === traceId);
  // 1 edge SERVER + 3 KV + 3 D1 + 2 R2 + 3 cache + 1 service CLIENT + 1 bound SERVER.
  await expect
    .poll(
      async () => {
        spans = await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'));
        return ofTrace().length;
      },
      { timeout: 30_000, message: `binding spans of trace ${traceId}` },
    )
    .toBe(14);

  const edgeServer = ofTrace().find((span) => span.service === 'bindings-edge' && span.kind === SpanKind.SERVER)!;
  expect(edgeServer.parentSpanId).toBe(callerSpanId);
  const db = ofTrace()
    .filter((span) => span.attributes['db.system.name'] !== undefined)
    .sort((a, b) => a.startMillis - b.startMillis);
  for (const span of db) {
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.parentSpanId).toBe(edgeServer.spanId);
    expect(span.service).toBe('bindings-edge');
    // Keys, values and literal SQL values stay out of the trace.
    expect(JSON.stringify(span.attributes)).not.toMatch(/ann@example|receipts\/|price-list|no-such-key|cache\.test/);
  }
  const summary = (system: string) =>
    db
      .filter((span) => span.attributes['db.system.name'] === system)
      .map((span) => ({
        name: span.name,
        namespace: span.attributes['db.namespace'],
        operation: span.attributes['db.operation.name'],
        ...(span.attributes['journeytrace.lookup.outcome'] === undefined ? {} : { outcome: span.attributes['journeytrace.lookup.outcome'] }),
        ...(span.attributes['db.query.text'] === undefined ? {} : { query: span.attributes['db.query.text'] }),
      }));
  expect(summary('cloudflare.kv')).toEqual([
    { name: 'put PRICES', namespace: 'PRICES', operation: 'put' },
    { name: 'get PRICES', namespace: 'PRICES', operation: 'get', outcome: 'hit' },
    { name: 'get PRICES', namespace: 'PRICES', operation: 'get', outcome: 'miss' },
  ]);
  expect(summary('sqlite')).toEqual([
    { name: 'CREATE DB', namespace: 'DB', operation: 'CREATE', query: 'CREATE TABLE IF NOT EXISTS carts (id TEXT PRIMARY KEY, owner TEXT)' },
    { name: 'INSERT DB', namespace: 'DB', operation: 'INSERT', query: 'INSERT OR REPLACE INTO carts (id, owner) VALUES (?, ?)' },
    { name: 'SELECT DB', namespace: 'DB', operation: 'SELECT', query: 'SELECT id FROM carts WHERE id = ?' },
  ]);
  expect(db.find((span) => span.name === 'SELECT DB')!.attributes['db.response.returned_rows']).toBe(1);
  expect(summary('cloudflare.r2')).toEqual([
    { name: 'put FILES', namespace: 'FILES', operation: 'put' },
    { name: 'get FILES', namespace: 'FILES', operation: 'get', outcome: 'hit' },
  ]);
  expect(summary('cloudflare.cache')).toEqual([
    { name: 'match pages', namespace: 'pages', operation: 'match', outcome: 'miss' },
    { name: 'put pages', namespace: 'pages', operation: 'put' },
    { name: 'match pages', namespace: 'pages', operation: 'match', outcome: 'hit' },
  ]);

  const serviceClient = ofTrace().find((span) => span.attributes['journeytrace.binding.name'] === 'RECOMMENDATIONS')!;
  expect(serviceClient).toMatchObject({ kind: SpanKind.CLIENT, parentSpanId: edgeServer.spanId, service: 'bindings-edge' });
  expect(serviceClient.attributes['http.request.method']).toBe('GET');
  const boundServer = ofTrace().find((span) => span.service === 'bindings-recommendations')!;
  expect(boundServer).toMatchObject({ kind: SpanKind.SERVER, parentSpanId: serviceClient.spanId, name: 'GET /recommendations' });
  expect(boundServer.resource['cloud.provider']).toBe('cloudflare');
  // The allow-list let the journey's keys through and kept internal.note behind, though the bound Worker promotes it.
  expect(boundServer.attributes).toMatchObject({ 'session.id': 'bindings-session', 'user.tier': 'vip' });
  expect(boundServer.attributes['internal.note']).toBeUndefined();
});

test('Durable Object and entrypoint RPC: the object and the bound Worker continue the trace, SQL calls are db spans, the alarm joins the trace that set it', async () => {
  const traceId = randomHex(32);
  const callerSpanId = randomHex(16);
  const response = await fetch(`${worker.url}/cart?cart=${randomHex(8)}`, {
    headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, baggage: 'session.id=cart-session,user.tier=vip,internal.note=keep-me-home' },
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ items: 1, listed: { items: 1 }, picks: { picks: ['scarf', 'gloves'], baggageKeys: ['session.id', 'user.tier'] } });

  let spans: KeptSpan[] = [];
  const ofTrace = () => spans.filter((span) => span.traceId === traceId);
  const named = (name: string) => ofTrace().filter((span) => span.name === name);
  await expect
    .poll(
      async () => {
        spans = await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'));
        return [
          'CARTS/add',
          'Cart/add',
          'GET /items',
          'CARTS/remindLater',
          'Cart/remindLater',
          'alarm Cart',
          'UPDATE Cart',
          'RECOMMENDATIONS/topPicks',
          'Recommendations/topPicks',
        ].filter((name) => named(name).length === 0);
      },
      { timeout: 30_000, message: `Durable Object spans of trace ${traceId}` },
    )
    .toEqual([]);

  const edgeServer = ofTrace().find((span) => span.name === 'GET /cart')!;
  expect(edgeServer.parentSpanId).toBe(callerSpanId);
  const only = (name: string) => {
    const found = named(name);
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };
  // RPC into the object: CLIENT at the edge, SERVER in the object, the object's SQL under it.
  const addClient = only('CARTS/add');
  expect(addClient).toMatchObject({ kind: SpanKind.CLIENT, parentSpanId: edgeServer.spanId });
  expect(addClient.attributes).toMatchObject({ 'rpc.system': 'cloudflare_workers_rpc', 'rpc.service': 'CARTS', 'rpc.method': 'add' });
  const addServer = only('Cart/add');
  expect(addServer).toMatchObject({ kind: SpanKind.SERVER, parentSpanId: addClient.spanId });
  expect(addServer.attributes['session.id']).toBe('cart-session');
  // Only session.id was allowed into the object.
  expect(addServer.attributes['user.tier']).toBeUndefined();
  const addSql = ofTrace().filter((span) => span.parentSpanId === addServer.spanId);
  expect(addSql.map((span) => [span.name, span.attributes['db.system.name'], span.attributes['db.namespace'], span.attributes['db.query.text']])).toEqual([
    ['CREATE Cart', 'sqlite', 'Cart', 'CREATE TABLE IF NOT EXISTS items (sku TEXT)'],
    ['INSERT Cart', 'sqlite', 'Cart', 'INSERT INTO items (sku) VALUES (?)'],
    ['SELECT Cart', 'sqlite', 'Cart', 'SELECT COUNT(*) AS n FROM items'],
  ]);
  // fetch to the object: CLIENT at the edge, the object's own Hono app under trace() continues it.
  const itemsServer = only('GET /items');
  const itemsClient = ofTrace().find((span) => span.spanId === itemsServer.parentSpanId)!;
  expect(itemsClient).toMatchObject({ kind: SpanKind.CLIENT, parentSpanId: edgeServer.spanId });
  expect(itemsClient.attributes['journeytrace.binding.name']).toBe('CARTS');
  // The alarm runs in the same trace, under (and linked to) the RPC call that set it.
  const remindServer = only('Cart/remindLater');
  const alarm = only('alarm Cart');
  expect(alarm).toMatchObject({ kind: SpanKind.SERVER, parentSpanId: remindServer.spanId, links: [remindServer.spanId] });
  expect(alarm.attributes['faas.trigger']).toBe('timer');
  expect(only('UPDATE Cart').parentSpanId).toBe(alarm.spanId);
  // RPC to the WorkerEntrypoint behind the service binding.
  const picksClient = only('RECOMMENDATIONS/topPicks');
  const picksServer = only('Recommendations/topPicks');
  expect(picksClient.parentSpanId).toBe(edgeServer.spanId);
  expect(picksServer).toMatchObject({ kind: SpanKind.SERVER, parentSpanId: picksClient.spanId, service: 'bindings-recommendations' });
  expect(picksServer.attributes).toMatchObject({ 'session.id': 'cart-session', 'user.tier': 'vip' });
  expect(picksServer.attributes['internal.note']).toBeUndefined();
});

test('a cron trigger runs in a trace of its own, its binding calls under it', async () => {
  const before = (await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'))).filter((span) => span.name === 'cron */30 * * * *').length;
  const response = await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent('*/30 * * * *')}`);
  expect(response.status).toBe(200);
  let spans: KeptSpan[] = [];
  const crons = () => spans.filter((span) => span.name === 'cron */30 * * * *' && span.service === 'bindings-edge');
  await expect
    .poll(
      async () => {
        spans = await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'));
        return crons().length;
      },
      { timeout: 30_000, message: 'cron span' },
    )
    .toBe(before + 1);
  const cron = crons().at(-1)!;
  expect(cron).toMatchObject({ kind: SpanKind.SERVER, parentSpanId: '' });
  expect(cron.attributes).toMatchObject({ 'faas.trigger': 'timer', 'faas.cron': '*/30 * * * *' });
  await expect
    .poll(
      async () => {
        spans = await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'));
        return spans.filter((span) => span.parentSpanId === cron.spanId).map((span) => [span.name, span.traceId === cron.traceId]);
      },
      { timeout: 30_000 },
    )
    .toEqual([['get PRICES', true]]);
});
