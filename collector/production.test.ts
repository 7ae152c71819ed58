/**
 * The production overlay, run for real: kept journeys fan out to the backend (here a second
 * collector standing in for Jaeger/Tempo/OneUptime, all of which take OTLP/HTTP) and to the
 * local file, and what leaves is scrubbed: enduser.id hashed or deleted, no query strings.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DATA_DIR } from '../scripts/lib/paths.js';
import { freePort } from '../scripts/stack/ports.js';
import { readKeptSpans, type KeptSpan } from '../test/fixture/collectorOutput.js';
import { waitForTrace } from '../test/fixture/waitForJourney.js';
import { runCollector, type RunningCollector } from './support/runCollector.js';
import { createSpanSender, randomHex } from './support/spanSender.js';

const here = import.meta.dirname;
const runDir = join(DATA_DIR, 'test-runs', `collector-production-${process.pid}`);
const config = (name: string) => join(here, name);

describe('production overlay', () => {
  let backend: RunningCollector;
  const production: Record<'hash' | 'delete', RunningCollector> = {} as never;

  before(async () => {
    // The backend only receives and stores: no sampling or scrubbing of its own.
    const storeOnly = 'yaml:service::pipelines::traces::processors: [batch]';
    backend = await runCollector({ name: 'backend', runDir, configs: [config('config.yaml'), storeOnly] });
    for (const action of ['hash', 'delete'] as const) {
      production[action] = await runCollector({
        name: `production-${action}`,
        runDir,
        // The test overlay last: decide after 1 s instead of 10.
        configs: [config('config.yaml'), config('config.production.yaml'), config('config.test.yaml')],
        env: {
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
    const sender = createSpanSender({ serviceName: 'edge', collectorUrl: collector.httpUrl });
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
      configs: [config('config.yaml'), config('config.production.yaml'), config('config.test.yaml')],
      env: { JOURNEYTRACE_BACKEND_ENDPOINT: `http://127.0.0.1:${closedPort}`, JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '0' },
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
    const sender = createSpanSender({ serviceName: 'edge', collectorUrl: production.hash.httpUrl });
    sender.send([{ traceId: dropped, name: 'GET /', attributes: { 'user.tier': 'free' } }]);
    await sender.shutdown();
    // A kept journey sent after it lands only once the dropped one was decided too.
    const kept = await sendPremiumJourney(production.hash);
    await waitForTrace(backend.tracesFile, kept, one);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const file of [backend.tracesFile, production.hash.tracesFile]) {
      assert.deepEqual((await readKeptSpans(file)).filter((span) => span.traceId === dropped), []);
    }
  });
});
