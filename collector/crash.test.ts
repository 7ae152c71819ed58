/**
 * Crashes, not polite stops: a collector is SIGKILLed mid-traffic (no shutdown, nothing flushed),
 * stays down for 30 s while the hops go on sending and retrying, then starts again on the same
 * ports, files and storage. Every span a collector acknowledged (answered 2xx) is then looked
 * for in the output:
 *   - the front tier of the two-tier setup: 0 lost (its load-balancing exporter's sending queue
 *     is on disk before it answers, and leaves the disk once the sampling tier took it);
 *   - a single collector, and one sampling instance of the two-tier setup: the tail sampler's
 *     decision window is in memory, so what it held when killed may be lost, and nothing else:
 *     only spans acknowledged within `decision_wait` + one 1 s tick before the kill
 *     (collector/README.md, "Crashes: what is promised").
 * Repeats (at-least-once) are counted and reported, not failed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DATA_DIR } from '@journeytrace/tooling/lib/paths.js';
import { localCollector } from '@journeytrace/tooling/stack/collectorConfigs.js';
import { readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { recordFigure } from '@journeytrace/tooling/reliability/figures.js';
import { runCollector, type RunningCollector } from './support/runCollector.js';
import { randomHex } from './support/spanSender.js';
import { startSteadyTraffic, tallyDelivery, type AcknowledgedSpan, type DeliveryTally, type SteadyTraffic } from './support/steadyTraffic.js';

const here = import.meta.dirname;
const runDir = join(DATA_DIR, 'test-runs', `collector-crash-${process.pid}`);
const DOWN_SECONDS = 30;
const SERVICES = ['web', 'edge', 'checkout-api'] as const;
/** Modest: the hops keep every journey of the outage retrying at once. */
const JOURNEYS_PER_SECOND = 4;
/** The test overlay's decision_wait (what the tests run with). */
const DECISION_WAIT_MILLIS = Number(/decision_wait:\s*(\d+)s/.exec(readFileSync(join(here, 'config.test.yaml'), 'utf8'))?.[1] ?? NaN) * 1000;
/** The sampler judges on a 1 s tick: a trace waits decision_wait, then up to one tick more. */
const SAMPLER_TICK_MILLIS = 1000;
/** The documented bound on what a killed sampler loses (collector/README.md). */
const SAMPLER_WINDOW_MILLIS = DECISION_WAIT_MILLIS + SAMPLER_TICK_MILLIS;
/** Beyond the bound: the front tier's hop (its queue batches for up to 200 ms) and a busy machine's late timers. */
const SLACK_MILLIS = 1000;
const TOKEN = randomHex(32);
const AUTHORIZATION = { authorization: `Bearer ${TOKEN}` };
// Keep every journey: a span missing from the output can only be a lost span.
const KEEP_ALL = { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' };

interface CrashRun {
  traffic: SteadyTraffic;
  killedAt: number;
  /** When the victim was started again (before it was ready). */
  restartingAt: number;
  restartedAt: number;
}

/**
 * Steady traffic; after 5 s, `victim` SIGKILLed the moment it has acknowledged a span (so it
 * holds one it just took: a collector that keeps taken spans in memory, in a batch processor or
 * an in-memory queue, loses it), down for DOWN_SECONDS, restarted; 5 s more traffic; resolves
 * once every export was acknowledged.
 */
async function crashMidTraffic(victim: RunningCollector, collectorUrl: string, headers: Record<string, string> = {}): Promise<CrashRun> {
  const traffic = startSteadyTraffic({ collectorUrl, headers, services: SERVICES, journeysPerSecond: JOURNEYS_PER_SECOND, retryMillis: 1000 });
  await sleep(5_000);
  await traffic.nextAcknowledgement();
  const killedAt = Date.now();
  await victim.kill();
  await sleep(DOWN_SECONDS * 1000);
  const restartingAt = Date.now();
  await victim.start();
  const restartedAt = Date.now();
  await sleep(5_000);
  await traffic.stop(120_000);
  return { traffic, killedAt, restartingAt, restartedAt };
}

/** Polls the outputs until every acknowledged span outside `mayLose` arrived (up to 90 s), lets stragglers land, and tallies. */
async function settledTally(
  files: string[],
  acknowledged: ReadonlyMap<string, AcknowledgedSpan>,
  mayLose: (span: AcknowledgedSpan) => boolean,
): Promise<DeliveryTally> {
  const read = async () => (await Promise.all(files.map((file) => readKeptSpans(file)))).flat();
  const deadline = Date.now() + 90_000;
  let output: KeptSpan[] = await read();
  while (tallyDelivery(acknowledged, output).lost.some((span) => !mayLose(span)) && Date.now() < deadline) {
    await sleep(500);
    output = await read();
  }
  await sleep(2_000);
  return tallyDelivery(acknowledged, await read());
}

/**
 * Acknowledged in the sampler's window before the kill (from `killedAt` − window) up to `until`:
 * for a collector the hops send to, its restart (answers it sent just before SIGKILL reach the
 * hop a moment after it, and nothing else answers until the restart); behind a front tier, the
 * kill itself (the millisecond of the kill included: the front tier may have passed such a span
 * on as the instance died; it must deliver all it took after).
 */
const withinWindowBefore = (killedAt: number, until: number) => (span: AcknowledgedSpan) =>
  span.acknowledgedAt >= killedAt - SAMPLER_WINDOW_MILLIS - SLACK_MILLIS && span.acknowledgedAt <= until;

function describeLoss(tally: DeliveryTally, killedAt: number): string {
  const ages = tally.lost.map((span) => killedAt - span.acknowledgedAt).sort((a, b) => a - b);
  const when = ages.length > 0 ? ` (acknowledged ${ages.join(', ')} ms before the kill)` : '';
  return `${tally.arrived}/${tally.acknowledged} acknowledged spans arrived, ${tally.lost.length} lost${when}, ${tally.duplicates} repeats`;
}

describe(`collector crashes (SIGKILL mid-traffic, down ${DOWN_SECONDS} s)`, { timeout: 300_000 }, () => {
  describe('a single collector', () => {
    let collector: RunningCollector;
    before(async () => {
      const local = localCollector();
      collector = await runCollector({ name: 'single', runDir, configs: local.configs, env: { ...local.env, ...KEEP_ALL } });
    });
    after(async () => {
      await collector?.stop();
    });

    it(`loses at most what its tail sampler held (spans acknowledged within decision_wait + ${SAMPLER_TICK_MILLIS} ms before the kill), nothing acknowledged after`, async () => {
      const { traffic, killedAt, restartingAt } = await crashMidTraffic(collector, collector.httpUrl);
      assert.ok(traffic.failedAttempts > 0, 'the hops saw the outage (their exports were refused) and retried');
      const mayLose = withinWindowBefore(killedAt, restartingAt);
      const tally = await settledTally([collector.tracesFile], traffic.acknowledged, mayLose);
      console.log(`single collector: ${describeLoss(tally, killedAt)}`);
      recordCrash('single collector', tally, SAMPLER_WINDOW_MILLIS);
      assert.ok(tally.acknowledged > DOWN_SECONDS * JOURNEYS_PER_SECOND, `traffic ran through the outage (${tally.acknowledged} spans)`);
      const outside = tally.lost.filter((span) => !mayLose(span));
      assert.deepEqual(outside, [], `only the sampler's window may be lost: ${describeLoss(tally, killedAt)}`);
    });
  });

  describe('two tiers', () => {
    let sampling: RunningCollector[] = [];
    let front: RunningCollector;
    before(async () => {
      const sampler = localCollector({ authenticated: true });
      sampling = await Promise.all(
        ['crash-sampling-a', 'crash-sampling-b'].map((name) =>
          runCollector({ name, runDir, configs: sampler.configs, env: { ...sampler.env, ...KEEP_ALL, JOURNEYTRACE_COLLECTOR_TOKEN: TOKEN } }),
        ),
      );
      front = await runCollector({
        name: 'crash-front',
        runDir,
        configs: [join(here, 'front-tier.yaml')],
        env: { JOURNEYTRACE_COLLECTOR_TOKEN: TOKEN, JOURNEYTRACE_SAMPLING_TIER: `[${sampling.map((collector) => collector.grpcAddress).join(', ')}]` },
      });
    });
    after(async () => {
      await front?.stop();
      await Promise.all(sampling.map((collector) => collector.stop()));
    });
    const samplingFiles = () => sampling.map((collector) => collector.tracesFile);

    it('a front-tier crash loses nothing: its queue is on disk and drains once it is back', async () => {
      const { traffic, killedAt } = await crashMidTraffic(front, front.httpUrl, AUTHORIZATION);
      assert.ok(traffic.failedAttempts > 0, 'the hops saw the front tier down and retried');
      const tally = await settledTally(samplingFiles(), traffic.acknowledged, () => false);
      console.log(`front tier: ${describeLoss(tally, killedAt)}`);
      recordCrash('front tier (two-tier setup)', tally, 0);
      assert.deepEqual(tally.lost, [], `no acknowledged span lost: ${describeLoss(tally, killedAt)}`);
    });

    it(`a sampling-instance crash loses at most its decision window; the front tier holds the rest on disk for the ${DOWN_SECONDS} s`, async () => {
      const victim = sampling[0]!;
      const { traffic, killedAt, restartedAt } = await crashMidTraffic(victim, front.httpUrl, AUTHORIZATION);
      const mayLose = withinWindowBefore(killedAt, killedAt);
      const tally = await settledTally(samplingFiles(), traffic.acknowledged, mayLose);
      console.log(`sampling instance: ${describeLoss(tally, killedAt)}`);
      recordCrash('one sampling instance (two-tier setup)', tally, SAMPLER_WINDOW_MILLIS);
      const outside = tally.lost.filter((span) => !mayLose(span));
      assert.deepEqual(outside, [], `only the sampler's window may be lost: ${describeLoss(tally, killedAt)}`);
      // The killed instance's share of the outage reached it after its restart: the front tier held it.
      const fromOutage = new Set(
        [...traffic.acknowledged.values()].filter((span) => span.acknowledgedAt > killedAt && span.acknowledgedAt < restartedAt).map((span) => span.spanId),
      );
      const victimOutput = await readKeptSpans(victim.tracesFile);
      assert.ok(
        victimOutput.some((span) => fromOutage.has(span.spanId)),
        'spans acknowledged by the front tier while the instance was down arrived at it once it was back',
      );
    });
  });
});

function recordCrash(target: string, tally: DeliveryTally, lossWindowMillis: number): void {
  recordFigure(`crash ${target}`, {
    kind: 'crash',
    target,
    downSeconds: DOWN_SECONDS,
    spansAcknowledged: tally.acknowledged,
    spansArrived: tally.arrived,
    duplicates: tally.duplicates,
    lost: tally.lost.length,
    lossWindowMillis,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
