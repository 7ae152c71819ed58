/**
 * Two tiers, run for real: one front collector (front-tier.yaml) routes by trace id to two
 * sampling collectors (config.yaml). Each journey's spans come from three services in separate
 * export requests, and only one of them carries the error that makes the journey worth keeping,
 * so a journey comes out whole only if all its spans met on the same sampling collector.
 * Both tiers authenticate as in production: the services send the token to the front tier,
 * which sends it on to the sampling tier.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DATA_DIR } from '@journeytrace/tooling/lib/paths.js';
import { localCollector } from '@journeytrace/tooling/stack/collectorConfigs.js';
import { readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { refusedStart, runCollector, type RunningCollector } from './support/runCollector.js';
import { exportOverGrpc, exportOverHttp, GrpcStatus } from './support/otlpExport.js';
import { createSpanSender, randomHex, recordSpans } from './support/spanSender.js';

const here = import.meta.dirname;
const runDir = join(DATA_DIR, 'test-runs', `collector-two-tier-${process.pid}`);
const SERVICES = ['web', 'edge', 'checkout-api'] as const;
const JOURNEYS = 40;
const TOKEN = randomHex(32);

describe('two-tier collectors (front tier load-balancing by trace id)', () => {
  let sampling: RunningCollector[] = [];
  let front: RunningCollector;

  before(async () => {
    const sampler = localCollector({ authenticated: true });
    sampling = await Promise.all(
      ['sampling-a', 'sampling-b'].map((name) =>
        runCollector({
          name,
          runDir,
          configs: sampler.configs,
          // Keep only journeys a policy asks for, so a split journey would be cut in half.
          env: { ...sampler.env, JOURNEYTRACE_COLLECTOR_TOKEN: TOKEN, JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '0' },
        }),
      ),
    );
    front = await runCollector({
      name: 'front',
      runDir,
      configs: [join(here, 'front-tier.yaml')],
      env: { JOURNEYTRACE_COLLECTOR_TOKEN: TOKEN, JOURNEYTRACE_SAMPLING_TIER: `[${sampling.map((collector) => collector.grpcAddress).join(', ')}]` },
    });
  });
  after(async () => {
    // The front first: stopped together, it spends its shutdown retrying sampling collectors
    // that are gone, past the SIGTERM grace.
    await front?.stop();
    await Promise.all(sampling.map((collector) => collector.stop()));
  });

  it('keeps each failed journey whole, on exactly one sampling collector, and drops the rest', async () => {
    const journeys = Array.from({ length: JOURNEYS }, (_, index) => ({ traceId: randomHex(32), failed: index % 2 === 0 }));
    const senders = SERVICES.map((service) =>
      createSpanSender({ serviceName: service, collectorUrl: front.httpUrl, headers: { authorization: `Bearer ${TOKEN}` } }),
    );
    // Each service reports every journey in its own export requests, like real hops do.
    SERVICES.forEach((service, index) => {
      senders[index]!.send(journeys.map(({ traceId, failed }) => ({ traceId, name: `${service} span`, error: failed && service === 'checkout-api' })));
    });
    for (const sender of senders) await sender.shutdown();

    const failed = journeys.filter((journey) => journey.failed).map((journey) => journey.traceId);
    const kept = await waitForSpans(sampling, (spans) => failed.every((traceId) => countOf(spans, traceId) >= SERVICES.length));
    // Give stragglers (a duplicate, a late half) time to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const perCollector = await Promise.all(sampling.map((collector) => readKeptSpans(collector.tracesFile)));
    assert.ok(kept);

    for (const traceId of failed) {
      const counts = perCollector.map((spans) => countOf(spans, traceId));
      assert.deepEqual(
        [...counts].sort(),
        [0, SERVICES.length],
        `journey ${traceId}: spans per sampling collector ${JSON.stringify(counts)} (want all ${SERVICES.length} on one)`,
      );
      const services = perCollector
        .flat()
        .filter((span) => span.traceId === traceId)
        .map((span) => span.service);
      assert.deepEqual(services.sort(), [...SERVICES].sort(), `journey ${traceId} has one span per service, none twice`);
    }
    for (const { traceId } of journeys.filter((journey) => !journey.failed)) {
      assert.equal(countOf(perCollector.flat(), traceId), 0, `ordinary journey ${traceId} is dropped`);
    }
    // Routing spread the journeys: both sampling collectors judged some.
    for (const [index, spans] of perCollector.entries()) {
      assert.ok(spans.length > 0, `sampling collector ${index} kept at least one journey`);
    }
  });
});

describe('front tier authentication', () => {
  it('refuses OTLP without the token, and refuses to start without one', async () => {
    const runDirAuth = join(runDir, 'auth');
    const sampler = localCollector({ authenticated: true });
    const samplingTier = await runCollector({
      name: 'sampling-auth',
      runDir: runDirAuth,
      configs: sampler.configs,
      env: { ...sampler.env, JOURNEYTRACE_COLLECTOR_TOKEN: TOKEN },
    });
    try {
      const sampling = `[${samplingTier.grpcAddress}]`;
      const front = await runCollector({
        name: 'front-auth',
        runDir: runDirAuth,
        configs: [join(here, 'front-tier.yaml')],
        env: { JOURNEYTRACE_COLLECTOR_TOKEN: TOKEN, JOURNEYTRACE_SAMPLING_TIER: sampling },
      });
      try {
        const spans = await recordSpans('intruder', [{ traceId: randomHex(32), name: 'forged', error: true }]);
        assert.equal(await exportOverHttp(front.httpUrl, spans), 401);
        assert.equal(await exportOverGrpc(front.grpcAddress, spans, { authorization: `Bearer ${randomHex(32)}` }), GrpcStatus.UNAUTHENTICATED);
        assert.equal(await exportOverHttp(front.httpUrl, spans, { authorization: `Bearer ${TOKEN}` }), 200);
      } finally {
        await front.stop();
      }
      const why = await refusedStart({
        name: 'front-no-token',
        runDir: runDirAuth,
        configs: [join(here, 'front-tier.yaml')],
        env: { JOURNEYTRACE_COLLECTOR_TOKEN: undefined, JOURNEYTRACE_SAMPLING_TIER: sampling },
      });
      assert.match(why, /no bearer token provided/);
    } finally {
      await samplingTier.stop();
    }
  });
});

const countOf = (spans: readonly KeptSpan[], traceId: string) => spans.filter((span) => span.traceId === traceId).length;

/** Polls the sampling collectors' files (together) until `done`, for up to 30 s. */
async function waitForSpans(collectors: RunningCollector[], done: (spans: KeptSpan[]) => boolean): Promise<KeptSpan[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const spans = (await Promise.all(collectors.map((collector) => readKeptSpans(collector.tracesFile)))).flat();
    if (done(spans)) return spans;
    if (Date.now() > deadline) {
      assert.fail(`the failed journeys were not all kept whole within 30 s; the sampling tier holds ${spans.length} spans`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
