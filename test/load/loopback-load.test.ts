/**
 * A bounded load run on loopback: 10,000 checkout journeys sent to the edge worker (wrangler dev,
 * workerd) as the browser sends them — a sampled traceparent of its own per journey, journey
 * baggage — 24 in flight, through the origin services to the collector. Every span emitted must
 * reach the collector's file output, and workerd's resident memory must stay flat.
 *
 * Spans per journey come from the real trace shape: one probe journey on the idle stack, counted
 * at the collector. The collector keeps every journey here (baseline share 100 %), so what it
 * writes is what arrived.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readKeptSpans } from '@journeytrace/playwright/collector-output';
import { keepAliveAgent, postCheckout, runBounded } from '../../bench/support/load.js';
import type { Stack } from '../../scripts/stack/stack.js';
import { startTestStack } from '../../scripts/stack/testStack.js';
import { recordFigure } from '../reliability/figures.js';
import { commandLine, processesInGroup, rssMiB } from './processMemory.js';
import { SpanTally } from './SpanTally.js';

/** `JOURNEYTRACE_LOAD_JOURNEYS` makes a shorter run while working on this test. */
const JOURNEYS = Number(process.env.JOURNEYTRACE_LOAD_JOURNEYS) || 10_000;
const CONCURRENCY = 24;
/**
 * Memory is compared from here on: V8 grows its heap in steps for a while before its collections
 * settle into a rhythm (measured here: about 2,000 journeys).
 */
const WARM_UP_JOURNEYS = Math.min(2_000, Math.floor(JOURNEYS / 5));
/** Each memory figure is the mean over this many journeys. */
const WINDOW_JOURNEYS = Math.min(1_000, Math.floor(JOURNEYS / 10));
/**
 * The worker's workerd may grow this much more than the control from after warm-up to the end.
 * The control is wrangler dev's proxy workerd: every request passes through it too, and it runs
 * none of this project's code. Under wrangler dev both grow for thousands of requests (V8 sizing
 * its heaps, dev-mode request logging), so a fixed bound would measure wrangler, not the worker;
 * spans or per-trace state kept by the worker would show as growth beyond the control's.
 */
const RSS_EXCESS_LIMIT_MIB = 32;
const DRAIN_TIMEOUT_MILLIS = 120_000;
const BAGGAGE = 'session.id=5f0c6a1e2b3d4c5e6f708192a3b4c5d6,user.tier=free';

interface MemorySample {
  journeysDone: number;
  /** The workerd that runs the worker. */
  rssMiB: number;
  /** The workerd of wrangler dev's own proxy in front of it (not part of a deployed worker). */
  proxyRssMiB: number;
}

describe(`loopback load: ${JOURNEYS.toLocaleString('en-US')} journeys through edge -> origin -> collector`, () => {
  let stack: Stack;
  let edgeUrl: URL;
  let perJourney = 0;
  let perService = new Map<string, number>();
  const traceIds: string[] = [];
  const statuses = new Map<number, number>();
  const memory: MemorySample[] = [];
  let worker: number | undefined;
  let proxy: number | undefined;
  let workerGone = false;
  let seconds = 0;
  const tally = { arrived: 0, short: [] as string[], byService: new Map<string, number>() };

  before(async () => {
    // Every journey kept, whatever the environment says: the count at the collector is the count that arrived.
    stack = await startTestStack({ name: 'load', collectorEnv: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' } });
    edgeUrl = new URL('/api/checkout', stack.urls.edge);
    // wrangler dev starts two workerd: the worker's (with the inspector) and its dev proxy.
    const edge = stack.services.find((service) => service.name === 'edge-worker');
    const workerd = edge?.pid ? processesInGroup(edge.pid, 'workerd') : [];
    worker = workerd.find((pid) => commandLine(pid).includes('--inspector-addr'));
    proxy = workerd.find((pid) => pid !== worker);
  });

  after(async () => {
    await stack?.stop();
  });

  it('the probe journey has the whole shape: edge, checkout-api and the services behind it', async () => {
    const agent = keepAliveAgent(1);
    const { traceId, status } = await postCheckout(agent, edgeUrl, BAGGAGE);
    agent.destroy();
    assert.equal(status, 200);
    // Settled: no new span for 3 s (the queue hop lands after the response).
    let last = 0;
    let stableSince = Date.now();
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(last > 0 && Date.now() - stableSince > 3_000)) {
      await sleep(250);
      const spans = (await readKeptSpans(stack.tracesFile)).filter((span) => span.traceId === traceId);
      if (spans.length !== last) [last, stableSince] = [spans.length, Date.now()];
      perService = new Map();
      for (const span of spans) perService.set(span.service, (perService.get(span.service) ?? 0) + 1);
    }
    perJourney = last;
    assert.deepEqual([...perService.keys()].sort(), ['checkout-api', 'edge-worker', 'inventory', 'orders-worker', 'payment'], `probe trace ${traceId} in ${stack.tracesFile}`);
  });

  it(`${JOURNEYS.toLocaleString('en-US')} journeys, ${CONCURRENCY} in flight: every one answered 200`, async () => {
    assert.ok(perJourney > 0, 'the probe journey counted its spans');
    assert.ok(worker !== undefined, `found the worker's workerd under the edge worker's process group (${stack.runDir})`);
    const agent = keepAliveAgent(CONCURRENCY);
    let done = 0;
    const sampler = setInterval(() => {
      const rss = rssMiB(worker!);
      // Gone: wrangler restarted workerd (it does when the edge's sources change under it).
      if (rss === undefined) workerGone = true;
      else memory.push({ journeysDone: done, rssMiB: rss, proxyRssMiB: proxy === undefined ? 0 : (rssMiB(proxy) ?? 0) });
    }, 500);
    try {
      const millis = await runBounded(JOURNEYS, CONCURRENCY, async () => {
        const { traceId, status } = await postCheckout(agent, edgeUrl, BAGGAGE);
        traceIds.push(traceId);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        done += 1;
      });
      seconds = millis / 1000;
    } finally {
      clearInterval(sampler);
      agent.destroy();
    }
    console.log(`# ${JOURNEYS} journeys in ${seconds.toFixed(1)} s (${(JOURNEYS / seconds).toFixed(1)} journeys/s)`);
    assert.deepEqual(Object.fromEntries(statuses), { 200: JOURNEYS });
  });

  it('spans counted at the collector equal spans emitted (journeys × spans per journey)', async () => {
    assert.equal(traceIds.length, JOURNEYS);
    const emitted = JOURNEYS * perJourney;
    const spans = new SpanTally(stack.tracesFile);
    const count = async () => {
      await spans.update();
      tally.arrived = traceIds.reduce((sum, traceId) => sum + (spans.byTrace.get(traceId) ?? 0), 0);
    };
    const drainStarted = Date.now();
    for (await count(); tally.arrived < emitted && Date.now() - drainStarted < DRAIN_TIMEOUT_MILLIS; await count()) await sleep(1_000);
    // A little longer: anything beyond the expected count (duplicates) shows too.
    await sleep(2_000);
    await count();
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    console.log(`# ${tally.arrived} of ${emitted} spans at the collector ${drainSeconds.toFixed(1)} s after the last response`);
    tally.short = traceIds.filter((traceId) => spans.byTrace.get(traceId) !== perJourney);
    const byService = [...perService].map(([service, count]) => `${service} ${spans.byService.get(service) ?? 0} of ${count * (JOURNEYS + 1)}`).join(', ');
    recordFigure('load', {
      kind: 'load',
      journeys: JOURNEYS,
      concurrency: CONCURRENCY,
      seconds: Math.round(seconds),
      spansPerJourney: perJourney,
      spansEmitted: emitted,
      spansArrived: tally.arrived,
      ...memoryFigures(),
    });
    assert.equal(
      tally.arrived,
      emitted,
      `spans at the collector (${tally.arrived}) != spans emitted (${emitted} = ${JOURNEYS} × ${perJourney}); ` +
        `${tally.short.length} journeys with another count (first: ${tally.short.slice(0, 3).join(', ')}); spans per service arrived, probe included: ${byService}; see ${stack.runDir}`,
    );
  });

  it(`workerd's memory stays flat: after ${WARM_UP_JOURNEYS} journeys it grows at most ${RSS_EXCESS_LIMIT_MIB} MiB more than wrangler's own proxy`, () => {
    const figures = memoryFigures();
    const growth = figures.workerRssEndMiB - figures.workerRssStartMiB;
    const controlGrowth = figures.proxyRssEndMiB - figures.proxyRssStartMiB;
    console.log(
      `# workerd RSS: worker ${figures.workerRssStartMiB} -> ${figures.workerRssEndMiB} MiB (most ${figures.workerRssMaxMiB}), ` +
        `wrangler's proxy ${figures.proxyRssStartMiB} -> ${figures.proxyRssEndMiB} MiB; journeys done: worker RSS MiB: ${samplesText()}`,
    );
    assert.ok(!workerGone, `the worker's workerd (pid ${worker}) ran the whole load; wrangler dev restarts it when edge-worker sources change during a run (see "Reloading" in ${stack.runDir}/edge-worker.log)`);
    assert.ok(memory.length >= 10, `enough memory samples (${memory.length})`);
    assert.ok(
      growth <= Math.max(0, controlGrowth) + RSS_EXCESS_LIMIT_MIB,
      `the worker's workerd grew ${growth.toFixed(1)} MiB (${figures.workerRssStartMiB} MiB over journeys ${WARM_UP_JOURNEYS}-${WARM_UP_JOURNEYS + WINDOW_JOURNEYS} ` +
        `-> ${figures.workerRssEndMiB} MiB over the last ${WINDOW_JOURNEYS}), more than wrangler's proxy (${controlGrowth.toFixed(1)} MiB) + ${RSS_EXCESS_LIMIT_MIB} MiB: ` +
        `something in the worker keeps memory per journey. Journeys done: RSS MiB: ${samplesText()}`,
    );
  });

  /** Mean RSS over the first window after warm-up and over the last one; the most seen after warm-up. */
  function memoryFigures(): { workerRssStartMiB: number; workerRssEndMiB: number; workerRssMaxMiB: number; proxyRssStartMiB: number; proxyRssEndMiB: number } {
    const within = (from: number, to: number) => memory.filter((sample) => sample.journeysDone >= from && sample.journeysDone <= to);
    const mean = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN);
    const round = (value: number) => Math.round(value * 10) / 10;
    const start = within(WARM_UP_JOURNEYS, WARM_UP_JOURNEYS + WINDOW_JOURNEYS);
    const end = within(JOURNEYS - WINDOW_JOURNEYS, JOURNEYS);
    return {
      workerRssStartMiB: round(mean(start.map((sample) => sample.rssMiB))),
      workerRssEndMiB: round(mean(end.map((sample) => sample.rssMiB))),
      workerRssMaxMiB: round(Math.max(...within(WARM_UP_JOURNEYS, JOURNEYS).map((sample) => sample.rssMiB))),
      proxyRssStartMiB: round(mean(start.map((sample) => sample.proxyRssMiB))),
      proxyRssEndMiB: round(mean(end.map((sample) => sample.proxyRssMiB))),
    };
  }

  function samplesText(): string {
    const step = Math.max(1, Math.floor(memory.length / 12));
    return memory
      .filter((_, index) => index % step === 0)
      .map((sample) => `${sample.journeysDone}: ${sample.rssMiB.toFixed(0)} (proxy ${sample.proxyRssMiB.toFixed(0)})`)
      .join(', ');
  }
});

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
