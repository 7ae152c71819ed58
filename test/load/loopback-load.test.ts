/**
 * A bounded load run on loopback: 10,000 checkout journeys sent to the edge worker (wrangler dev,
 * workerd) as the browser sends them — a sampled traceparent of its own per journey, journey
 * baggage — 24 in flight, through the origin services to the collector. Every span emitted must
 * reach the collector's file output, and the worker must keep no memory per journey: its
 * isolate's JS heap after a full garbage collection stays flat.
 *
 * Spans per journey come from the real trace shape: one probe journey on the idle stack, counted
 * at the collector. The collector keeps every journey here (baseline share 100 %), so what it
 * writes is what arrived.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readKeptSpans } from '@journeytrace/playwright/collector-output';
import { keepAliveAgent, postCheckout, runBounded } from '@journeytrace/tooling/bench/load.js';
import type { Stack } from '@journeytrace/tooling/stack/stack.js';
import { startTestStack } from '@journeytrace/tooling/stack/testStack.js';
import { recordFigure, type LoadFigure } from '@journeytrace/tooling/reliability/figures.js';
import { findWorkerInspector, heapAfterGcMiB } from './isolateHeap.js';
import { commandLine, processesInGroup, rssMiB } from '@journeytrace/tooling/load/processMemory.js';
import { SpanTally } from '@journeytrace/tooling/load/SpanTally.js';

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
 * How much the worker isolate's heap after a full GC may grow from warm-up to the end. Measured
 * here: about 2.5 MiB either way, varying by a few hundredths; one span or one trace entry kept
 * per journey would add several MiB over 8,000 journeys. (Resident memory is recorded, not
 * asserted: V8 lets a busy isolate fill tens of MiB with garbage before it collects, and
 * miniflare's own isolates share the process.)
 */
const HEAP_GROWTH_LIMIT_MIB = 1;
const DRAIN_TIMEOUT_MILLIS = 120_000;
/** The edge worker's name in demo-app/edge/wrangler.toml: its isolate is `core:user:<name>` in workerd's inspector. */
const EDGE_WORKER_NAME = 'journeytrace-edge';
const BAGGAGE = 'session.id=5f0c6a1e2b3d4c5e6f708192a3b4c5d6,user.tier=free';

interface MemorySample {
  journeysDone: number;
  /** The workerd that runs the worker. */
  rssMiB: number;
}

/** Every service of a journey; the edge's cart (a Durable Object) and its recommendations Worker are services of their own. */
const PROBE_SERVICES = ['cart', 'checkout-api', 'edge-worker', 'inventory', 'orders-worker', 'payment', 'recommendations'];

describe(`loopback load: ${JOURNEYS.toLocaleString('en-US')} journeys through edge -> origin -> collector`, () => {
  let stack: Stack;
  let edgeUrl: URL;
  let perJourney = 0;
  let perService = new Map<string, number>();
  const traceIds: string[] = [];
  const statuses = new Map<number, number>();
  const memory: MemorySample[] = [];
  let worker: number | undefined;
  let inspector: string | undefined;
  const heap = { startMiB: Number.NaN, endMiB: Number.NaN };
  let loadFigure: Omit<LoadFigure, 'heapAfterGcStartMiB' | 'heapAfterGcEndMiB' | 'workerRssStartMiB' | 'workerRssEndMiB' | 'workerRssMaxMiB'> | undefined;
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
    inspector = worker === undefined ? undefined : await findWorkerInspector(worker, EDGE_WORKER_NAME);
  });

  after(async () => {
    await stack?.stop();
  });

  it('the probe journey has the whole shape: edge, checkout-api and the services behind it', async () => {
    const agent = keepAliveAgent(1);
    const { traceId, status } = await postCheckout(agent, edgeUrl, BAGGAGE);
    agent.destroy();
    assert.equal(status, 200);
    // Settled: every service reported, then no new span for 3 s (the queue hop lands after the
    // response; the Node services export on their own schedule, more than 3 s after the edge).
    let last = 0;
    let stableSince = Date.now();
    const deadline = Date.now() + 30_000;
    const allReported = () => PROBE_SERVICES.every((service) => perService.has(service));
    while (Date.now() < deadline && !(last > 0 && allReported() && Date.now() - stableSince > 3_000)) {
      await sleep(250);
      const spans = (await readKeptSpans(stack.tracesFile)).filter((span) => span.traceId === traceId);
      if (spans.length !== last) [last, stableSince] = [spans.length, Date.now()];
      perService = new Map();
      for (const span of spans) perService.set(span.service, (perService.get(span.service) ?? 0) + 1);
    }
    perJourney = last;
    assert.deepEqual([...perService.keys()].sort(), PROBE_SERVICES, `probe trace ${traceId} in ${stack.tracesFile}`);
  });

  it(`${JOURNEYS.toLocaleString('en-US')} journeys, ${CONCURRENCY} in flight: every one answered 200`, async () => {
    assert.ok(perJourney > 0, 'the probe journey counted its spans');
    assert.ok(worker !== undefined, `found the worker's workerd under the edge worker's process group (${stack.runDir})`);
    assert.ok(inspector !== undefined, `found the worker isolate's inspector among workerd's (pid ${worker}) listening ports`);
    const agent = keepAliveAgent(CONCURRENCY);
    let done = 0;
    const sampler = setInterval(() => {
      const rss = rssMiB(worker!);
      // Gone: wrangler restarted workerd (it does when the edge's sources change under it).
      if (rss === undefined) workerGone = true;
      else memory.push({ journeysDone: done, rssMiB: rss });
    }, 500);
    const journey = async () => {
      const { traceId, status } = await postCheckout(agent, edgeUrl, BAGGAGE);
      traceIds.push(traceId);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      done += 1;
    };
    try {
      // A pause after warm-up: the inspector answers between requests, not under a full load.
      const warmUpMillis = await runBounded(WARM_UP_JOURNEYS, CONCURRENCY, journey);
      heap.startMiB = await heapAfterGcMiB(inspector!, nudgeWorker);
      const restMillis = await runBounded(JOURNEYS - WARM_UP_JOURNEYS, CONCURRENCY, journey);
      seconds = (warmUpMillis + restMillis) / 1000;
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
    loadFigure = {
      kind: 'load',
      journeys: JOURNEYS,
      concurrency: CONCURRENCY,
      seconds: Math.round(seconds),
      spansPerJourney: perJourney,
      spansEmitted: emitted,
      spansArrived: tally.arrived,
    };
    assert.equal(
      tally.arrived,
      emitted,
      `spans at the collector (${tally.arrived}) != spans emitted (${emitted} = ${JOURNEYS} × ${perJourney}); ` +
        `${tally.short.length} journeys with another count (first: ${tally.short.slice(0, 3).join(', ')}); spans per service arrived, probe included: ${byService}; see ${stack.runDir}`,
    );
  });

  it(`the worker keeps no memory per journey: its heap after a full GC grows at most ${HEAP_GROWTH_LIMIT_MIB} MiB from journey ${WARM_UP_JOURNEYS} to the end`, async () => {
    assert.ok(
      !workerGone,
      `the worker's workerd (pid ${worker}) ran the whole load; wrangler dev restarts it when edge-worker sources change during a run (see "Reloading" in ${stack.runDir}/edge-worker.log)`,
    );
    heap.endMiB = await heapAfterGcMiB(inspector!, nudgeWorker);
    const figures = memoryFigures();
    // Recorded whole (spans and memory) once both are known.
    if (loadFigure) recordFigure('load', { ...loadFigure, ...figures, heapAfterGcStartMiB: heap.startMiB, heapAfterGcEndMiB: heap.endMiB });
    console.log(
      `# worker isolate heap after GC: ${heap.startMiB.toFixed(2)} MiB after ${WARM_UP_JOURNEYS} journeys, ${heap.endMiB.toFixed(2)} MiB after ${JOURNEYS}; ` +
        `workerd RSS ${figures.workerRssStartMiB} -> ${figures.workerRssEndMiB} MiB (most ${figures.workerRssMaxMiB}); journeys done: RSS MiB: ${samplesText()}`,
    );
    assert.ok(Number.isFinite(heap.startMiB), 'the heap was measured after warm-up');
    assert.ok(
      heap.endMiB - heap.startMiB <= HEAP_GROWTH_LIMIT_MIB,
      `the worker isolate's heap after a full GC grew from ${heap.startMiB.toFixed(2)} MiB (journey ${WARM_UP_JOURNEYS}) to ${heap.endMiB.toFixed(2)} MiB ` +
        `(journey ${JOURNEYS}): something in the worker keeps memory per journey`,
    );
  });

  /** A request that keeps the isolate running while the inspector's commands wait for it. */
  function nudgeWorker(): Promise<unknown> {
    return fetch(new URL('/health', stack.urls.edge)).then((response) => response.text());
  }

  /** Mean RSS over the first window after warm-up and over the last one; the most seen after warm-up. */
  function memoryFigures(): { workerRssStartMiB: number; workerRssEndMiB: number; workerRssMaxMiB: number } {
    const within = (from: number, to: number) => memory.filter((sample) => sample.journeysDone >= from && sample.journeysDone <= to);
    const mean = (values: number[]) => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN);
    const round = (value: number) => Math.round(value * 10) / 10;
    const start = within(WARM_UP_JOURNEYS, WARM_UP_JOURNEYS + WINDOW_JOURNEYS);
    const end = within(JOURNEYS - WINDOW_JOURNEYS, JOURNEYS);
    return {
      workerRssStartMiB: round(mean(start.map((sample) => sample.rssMiB))),
      workerRssEndMiB: round(mean(end.map((sample) => sample.rssMiB))),
      workerRssMaxMiB: round(Math.max(...within(WARM_UP_JOURNEYS, JOURNEYS).map((sample) => sample.rssMiB))),
    };
  }

  function samplesText(): string {
    const step = Math.max(1, Math.floor(memory.length / 12));
    return memory
      .filter((_, index) => index % step === 0)
      .map((sample) => `${sample.journeysDone}: ${sample.rssMiB.toFixed(0)}`)
      .join(', ');
  }
});

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
