/**
 * The production overlay, run for real: kept journeys fan out to the backend (here a second
 * collector standing in for Jaeger/Tempo/OneUptime, all of which take OTLP/HTTP) and to the
 * local file, and what leaves is scrubbed: enduser.id hashed or deleted, no query strings.
 * Only requests with the bearer token get in, on both receivers; the kit's own hops send it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { DATA_DIR } from '@journeytrace/tooling/lib/paths.js';
import { freePort } from '@journeytrace/tooling/stack/ports.js';
import { otlpRelay, type RelayBindings } from '@journeytrace/edge/relay';
import { browserSpans, protobufBody } from '@journeytrace/tooling/fixtures/testSpans.js';
import { trace, type TraceBindings } from '@journeytrace/edge';
import { readExportRequests, readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { waitForTrace } from '@journeytrace/playwright/wait';
import { refusedStart, runCollector, type RunningCollector } from './support/runCollector.js';
import { createSpanSender, randomHex, recordSpans } from './support/spanSender.js';
import { exportOverGrpc, exportOverHttp, GrpcStatus } from './support/otlpExport.js';

const here = import.meta.dirname;
const runDir = join(DATA_DIR, 'test-runs', `collector-production-${process.pid}`);
const config = (name: string) => join(here, name);
const PRODUCTION_CONFIGS = [config('config.yaml'), config('config.production.yaml'), config('config.test.yaml')];
/** The collector's token in this run, and the header every hop sends with it. */
const TOKEN = randomHex(32);
const AUTHORIZATION = { authorization: `Bearer ${TOKEN}` };

describe('production overlay', () => {
  let backend: RunningCollector;
  const production: Record<'hash' | 'delete', RunningCollector> = {} as never;

  before(async () => {
    // The backend only receives and stores: no sampling or scrubbing of its own.
    const storeOnly = 'yaml:service::pipelines::traces::processors: []';
    backend = await runCollector({ name: 'backend', runDir, configs: [config('config.yaml'), storeOnly] });
    for (const action of ['hash', 'delete'] as const) {
      production[action] = await runCollector({
        name: `production-${action}`,
        runDir,
        // The test overlay last: decide after 1 s instead of 10.
        configs: PRODUCTION_CONFIGS,
        env: {
          JOURNEYTRACE_COLLECTOR_TOKEN: TOKEN,
          JOURNEYTRACE_BACKEND_ENDPOINT: backend.httpUrl,
          JOURNEYTRACE_BACKEND_HEADERS: '{x-journeytrace-test: "1"}',
          JOURNEYTRACE_ENDUSER_ID_ACTION: action,
          JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '0',
        },
      });
    }
  });
  after(async () => {
    await Promise.all([backend, ...Object.values(production)].map((collector) => collector?.stop()));
  });

  /** Sends one premium journey with a user id and a secret in the URL; returns its trace id. */
  async function sendPremiumJourney(collector: RunningCollector): Promise<string> {
    const traceId = randomHex(32);
    const sender = createSpanSender({ serviceName: 'edge', collectorUrl: collector.httpUrl, headers: AUTHORIZATION });
    sender.send([
      {
        traceId,
        name: 'POST /api/checkout',
        attributes: {
          'user.tier': 'premium',
          'enduser.id': 'alice@example.com',
          'url.full': 'https://shop.example/api/checkout?token=s3cret&email=alice%40example.com#top',
          'url.query': 'token=s3cret',
          'http.url': 'https://shop.example/api/checkout?token=s3cret',
        },
      },
    ]);
    await sender.shutdown();
    return traceId;
  }

  const one = (spans: KeptSpan[]) => spans.length === 1;

  it('sends a kept journey to the backend and to the local file', async () => {
    const traceId = await sendPremiumJourney(production.hash);
    const [atBackend] = await waitForTrace(backend.tracesFile, traceId, one);
    const [local] = await waitForTrace(production.hash.tracesFile, traceId, one);
    assert.equal(atBackend!.name, 'POST /api/checkout');
    assert.deepEqual(local!.attributes, atBackend!.attributes);
  });

  it('hashes enduser.id (SHA-256) and drops query strings before anything leaves', async () => {
    const traceId = await sendPremiumJourney(production.hash);
    const [span] = await waitForTrace(backend.tracesFile, traceId, one);
    assert.equal(span!.attributes['enduser.id'], createHash('sha256').update('alice@example.com').digest('hex'));
    assert.equal(span!.attributes['url.full'], 'https://shop.example/api/checkout');
    assert.equal(span!.attributes['http.url'], 'https://shop.example/api/checkout');
    assert.equal(span!.attributes['url.query'], undefined);
    assert.equal(span!.attributes['user.tier'], 'premium');
  });

  it('deletes enduser.id when configured to', async () => {
    const traceId = await sendPremiumJourney(production.delete);
    const [span] = await waitForTrace(backend.tracesFile, traceId, one);
    assert.equal(span!.attributes['enduser.id'], undefined);
    assert.equal(span!.attributes['url.full'], 'https://shop.example/api/checkout');
  });

  it('keeps the local copy and says so in its log when the backend is down', async () => {
    const closedPort = await freePort();
    const lonely = await runCollector({
      name: 'production-backend-down',
      runDir,
      configs: PRODUCTION_CONFIGS,
      env: { JOURNEYTRACE_COLLECTOR_TOKEN: TOKEN, JOURNEYTRACE_BACKEND_ENDPOINT: `http://127.0.0.1:${closedPort}`, JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '0' },
    });
    try {
      const traceId = await sendPremiumJourney(lonely);
      await waitForTrace(lonely.tracesFile, traceId, one);
      const deadline = Date.now() + 10_000;
      let log = '';
      while (Date.now() < deadline && !/Will retry/.test(log)) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        log = await readFile(lonely.logFile, 'utf8');
      }
      // The export queues and retries; the log names the backend exporter and the failure.
      assert.match(log, /Exporting failed\. Will retry.*otlphttp\/backend/);
    } finally {
      await lonely.stop();
    }
  });

  it('sends nothing for a journey the sampler drops', async () => {
    const dropped = randomHex(32);
    const sender = createSpanSender({ serviceName: 'edge', collectorUrl: production.hash.httpUrl, headers: AUTHORIZATION });
    sender.send([{ traceId: dropped, name: 'GET /', attributes: { 'user.tier': 'free' } }]);
    await sender.shutdown();
    // A kept journey sent after it lands only once the dropped one was decided too.
    const kept = await sendPremiumJourney(production.hash);
    await waitForTrace(backend.tracesFile, kept, one);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const file of [backend.tracesFile, production.hash.tracesFile]) {
      assert.deepEqual(
        (await readKeptSpans(file)).filter((span) => span.traceId === dropped),
        [],
      );
    }
  });

  describe('authentication: only requests with the token get in', () => {
    /** A premium span, which the sampler keeps: if it is not stored, the receiver refused it. */
    const premiumSpans = (traceId: string) => recordSpans('intruder', [{ traceId, name: 'POST /api/checkout', attributes: { 'user.tier': 'premium' } }]);
    const refusedCredentials: Record<string, Record<string, string>> = {
      'no authorization': {},
      'a wrong token': { authorization: `Bearer ${randomHex(32)}` },
      'the token without its scheme': { authorization: TOKEN },
      'the token in another scheme': { authorization: `Basic ${TOKEN}` },
      'an empty bearer': { authorization: 'Bearer ' },
    };

    it('refuses OTLP/HTTP (401) and OTLP/gRPC (Unauthenticated) without the right token, stores none of it, and takes it with the token', async () => {
      const collector = production.hash;
      const refused: string[] = [];
      for (const [what, headers] of Object.entries(refusedCredentials)) {
        const overHttp = randomHex(32);
        const overGrpc = randomHex(32);
        refused.push(overHttp, overGrpc);
        assert.equal(await exportOverHttp(collector.httpUrl, await premiumSpans(overHttp), headers), 401, `HTTP with ${what}`);
        assert.equal(await exportOverGrpc(collector.grpcAddress, await premiumSpans(overGrpc), headers), GrpcStatus.UNAUTHENTICATED, `gRPC with ${what}`);
      }
      const keptOverHttp = randomHex(32);
      const keptOverGrpc = randomHex(32);
      assert.equal(await exportOverHttp(collector.httpUrl, await premiumSpans(keptOverHttp), AUTHORIZATION), 200);
      assert.equal(await exportOverGrpc(collector.grpcAddress, await premiumSpans(keptOverGrpc), AUTHORIZATION), GrpcStatus.OK);
      for (const traceId of [keptOverHttp, keptOverGrpc]) {
        await waitForTrace(collector.tracesFile, traceId, one);
        await waitForTrace(backend.tracesFile, traceId, one);
      }
      // The refused ones were sent first: had any got in, it would be decided (1 s) by now.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const file of [collector.tracesFile, backend.tracesFile]) {
        const stored = (await readKeptSpans(file)).filter((span) => refused.includes(span.traceId));
        assert.deepEqual(stored, [], `nothing refused reached ${file}`);
      }
    });

    it("lets the edge's own hops in: its spans and metrics, and the browser spans its relay forwards, all with OTEL_EXPORTER_OTLP_HEADERS", async () => {
      const collector = production.hash;
      const shop = 'https://shop.example';
      // The worker's bindings, set as a deployment would (`wrangler secret put OTEL_EXPORTER_OTLP_HEADERS`).
      const bindings: TraceBindings & RelayBindings = {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.httpUrl,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${TOKEN}`,
        OTEL_METRIC_EXPORT_INTERVAL: '0',
        JOURNEYTRACE_RELAY_ALLOWED_ORIGINS: shop,
        // The test page's service, as a deployment names its pages' services.
        JOURNEYTRACE_RELAY_SERVICE_NAMES: 'shop-web',
      };
      const app = new Hono<{ Bindings: typeof bindings }>();
      app.post('/v1/traces', otlpRelay());
      app.use(trace());
      // A failing request: the sampler keeps its journey whatever the baseline.
      app.get('/api/checkout', (c) => c.text('payment failed', 500));

      const browser = await browserSpans(Date.now() - 1000);
      const traceId = browser[0]!.spanContext().traceId;
      const relayed = await app.request(
        '/v1/traces',
        { method: 'POST', headers: { origin: shop, 'content-type': 'application/x-protobuf' }, body: protobufBody(browser) as Uint8Array<ArrayBuffer> },
        bindings,
      );
      assert.equal(relayed.status, 200, `the relay's forward was taken (${await relayed.text()})`);
      const flushes: Promise<unknown>[] = [];
      const executionCtx = { waitUntil: (promise: Promise<unknown>) => void flushes.push(promise), passThroughOnException: () => {}, props: {} };
      const served = await app.request(
        '/api/checkout',
        { headers: { traceparent: `00-${traceId}-${browser[0]!.spanContext().spanId}-01` } },
        bindings,
        executionCtx,
      );
      assert.equal(served.status, 500);
      await Promise.all(flushes);

      const spans = await waitForTrace(
        collector.tracesFile,
        traceId,
        (arrived) => arrived.some((span) => span.service === 'edge-worker') && arrived.some((span) => span.service === 'shop-web'),
      );
      assert.ok(
        spans.some((span) => span.service === 'edge-worker' && span.name === 'GET /api/checkout'),
        'the edge span is stored',
      );
      assert.ok(spans.filter((span) => span.service === 'shop-web').length >= 2, 'the relayed browser spans are stored');
      const deadline = Date.now() + 10_000;
      while (!(await edgeMetricsIn(collector.metricsFile))) {
        assert.ok(Date.now() < deadline, "the edge's HTTP metrics reach the collector");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });

    for (const [what, token] of [
      ['unset', undefined],
      ['empty', ''],
    ] as const) {
      it(`refuses to start when JOURNEYTRACE_COLLECTOR_TOKEN is ${what}, rather than take OTLP from anyone`, async () => {
        const why = await refusedStart({
          name: `production-token-${what}`,
          runDir,
          configs: PRODUCTION_CONFIGS,
          env: { JOURNEYTRACE_COLLECTOR_TOKEN: token, JOURNEYTRACE_BACKEND_ENDPOINT: backend.httpUrl },
        });
        assert.match(why, /exited \(code [1-9]\d*\) before it was ready[\s\S]*no bearer token provided/);
      });
    }
  });
});

interface MetricsRequest {
  resourceMetrics?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> };
    scopeMetrics?: Array<{ metrics?: Array<{ name: string }> }>;
  }>;
}

/** Whether the metrics file holds the edge's HTTP server duration histogram. */
async function edgeMetricsIn(metricsFile: string): Promise<boolean> {
  return (await readExportRequests<MetricsRequest>(metricsFile)).some((request) =>
    (request.resourceMetrics ?? []).some(
      (rm) =>
        rm.resource?.attributes?.some((a) => a.key === 'service.name' && a.value?.stringValue === 'edge-worker') &&
        (rm.scopeMetrics ?? []).some((sm) => (sm.metrics ?? []).some((metric) => metric.name === 'http.server.request.duration')),
    ),
  );
}
