/**
 * Pipeline: journeys per second through the demo stack without a browser (edge worker in
 * workerd -> checkout-api -> inventory -> orders queue -> orders-worker -> payment -> collector),
 * and whether every span emitted reaches the collector's file output. The anchor is the same
 * load sent straight to checkout-api, which shows what the edge hop costs.
 */
import { existsSync } from 'node:fs';
import type { Agent } from 'node:http';
import { join } from 'node:path';
import { buildAll } from '../scripts/build.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { ensureCollector } from '@journeytrace/tooling/setup/collector.js';
import { freePort } from '@journeytrace/tooling/stack/ports.js';
import { startStack, type StackPorts } from '@journeytrace/tooling/stack/stack.js';
import { installedVersion } from '@journeytrace/tooling/bench/anchors.js';
import { benchRunDir, servicesOfTrace, spansByTrace, waitFor } from '@journeytrace/tooling/bench/collector.js';
import { keepAliveAgent, postCheckout, runBounded } from '@journeytrace/tooling/bench/load.js';
import { summarize, type BenchSection } from './types.js';

/** Journeys per measured batch, in flight at once, and alternating rounds per path. */
const JOURNEYS_PER_BATCH = 120;
const CONCURRENCY = 6;
const ROUNDS = 3;
/** How long the collector may take to write the last journeys (tail sampling waits 1 s per trace). */
const DRAIN_TIMEOUT_MILLIS = 60_000;

const BAGGAGE = 'session.id=c7b8a46d0143a764ed937fb03a9901c2,user.tier=free';

interface Path {
  name: string;
  url: URL;
}

/** One checkout journey with its own sampled trace id; resolves to that trace id. */
async function journey(agent: Agent, path: Path): Promise<string> {
  const { traceId, status } = await postCheckout(agent, path.url, BAGGAGE);
  if (status !== 200) throw new Error(`${path.name} answered ${status}`);
  return traceId;
}

/** `count` journeys, `CONCURRENCY` in flight: journeys per second and their trace ids. */
async function batch(agent: Agent, path: Path, count: number): Promise<{ perSecond: number; traceIds: string[] }> {
  const traceIds: string[] = [];
  const elapsed = await runBounded(count, CONCURRENCY, async () => void traceIds.push(await journey(agent, path)));
  return { perSecond: count / (elapsed / 1000), traceIds };
}

export default async function pipeline(): Promise<BenchSection> {
  const collectorBin = await ensureCollector();
  if (!existsSync(join(ROOT, 'demo-app/dist/index.html'))) await buildAll();
  const runDir = benchRunDir('pipeline');
  const names = [
    'app',
    'edge',
    'edgeInspector',
    'origin',
    'inventory',
    'kafka',
    'payment',
    'ordersWorker',
    'kafkaController',
    'collectorHttp',
    'collectorGrpc',
    'collectorHealth',
  ] as const;
  const ports = {} as StackPorts;
  for (const name of names) ports[name] = await freePort();
  const stack = await startStack({
    ports,
    runDir,
    tracesFile: join(runDir, 'collector', 'traces.jsonl'),
    collectorBin,
    collectorConfigs: [join(ROOT, 'collector/config.yaml'), join(ROOT, 'collector/config.test.yaml')],
    collectorEnv: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' },
  });
  const agent = keepAliveAgent(CONCURRENCY);
  try {
    const paths = {
      edge: { name: 'edge', url: new URL('/api/checkout', stack.urls.edge) },
      origin: { name: 'checkout-api', url: new URL('/checkout', stack.urls.origin) },
    } satisfies Record<string, Path>;

    // The spans one journey makes on each path, from one journey on the idle stack.
    const perJourney = { edge: 0, origin: 0 };
    const composition = { edge: '', origin: '' };
    for (const key of ['edge', 'origin'] as const) {
      const traceId = await journey(agent, paths[key]);
      let last = 0;
      let stableSince = Date.now();
      // Settled: the count has not changed for 3 s (the queue hop lands later than the response).
      await waitFor(async () => {
        const count = (await spansByTrace(stack.tracesFile)).get(traceId) ?? 0;
        if (count !== last) [last, stableSince] = [count, Date.now()];
        return count > 0 && Date.now() - stableSince > 3000;
      }, 20_000);
      perJourney[key] = last;
      composition[key] = await servicesOfTrace(stack.tracesFile, traceId);
    }
    if (perJourney.edge === 0 || perJourney.origin === 0)
      throw new Error(`probe journeys reached the collector with no spans (${JSON.stringify(perJourney)}); see ${runDir}`);

    const rates = { edge: [] as number[], origin: [] as number[] };
    const expected = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const key of round % 2 === 0 ? (['edge', 'origin'] as const) : (['origin', 'edge'] as const)) {
        const result = await batch(agent, paths[key], JOURNEYS_PER_BATCH);
        rates[key].push(result.perSecond);
        for (const traceId of result.traceIds) expected.set(traceId, perJourney[key]);
      }
    }
    const emitted = [...expected.values()].reduce((sum, count) => sum + count, 0);
    const written = async () => {
      const counts = await spansByTrace(stack.tracesFile);
      return [...expected.keys()].reduce((sum, traceId) => sum + (counts.get(traceId) ?? 0), 0);
    };
    const drainStarted = Date.now();
    const complete = await waitFor(async () => (await written()) >= emitted, DRAIN_TIMEOUT_MILLIS, 500);
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    const received = await written();
    const finalCounts = await spansByTrace(stack.tracesFile);
    const incomplete = [...expected].filter(([traceId, count]) => (finalCounts.get(traceId) ?? 0) !== count).length;

    const edge = summarize(rates.edge);
    const origin = summarize(rates.origin);
    const journeys = expected.size;
    return {
      title: 'Pipeline throughput without a browser (edge -> origin services -> collector)',
      command: 'npm run bench -- pipeline',
      versions: `wrangler ${installedVersion(ROOT, 'wrangler')} (workerd, wrangler dev), Node ${process.versions.node} origin services on OpenTelemetry JS ${installedVersion(ROOT, '@opentelemetry/sdk-trace')}, collector contrib v0.161.0 (project build)`,
      rows: [
        {
          figure: 'journeys per second through the edge',
          value: edge.median,
          min: edge.min,
          max: edge.max,
          unit: 'journeys/s',
          anchor: 'journeys per second straight to checkout-api (no edge hop)',
          anchorValue: origin.median,
        },
        {
          figure: 'spans written by the collector',
          value: received,
          unit: 'spans',
          anchor: 'spans emitted (journeys × spans per journey)',
          anchorValue: emitted,
          target: '= 1',
        },
      ],
      notes: [
        `${journeys} journeys (${ROUNDS} alternating rounds of ${JOURNEYS_PER_BATCH} per path, ${CONCURRENCY} in flight, loopback, keep-alive), each POST with its own sampled traceparent and baggage, scenario \`ok\`. The stack is tooling/stack/stack.ts on free ports (the edge under wrangler dev, whose proxy sits in front of workerd, as in the demo) with collector/config.yaml + config.test.yaml (tail-sampling decision wait 1 s, baseline share 100 %). Journeys per second count until the last response; the queue hop (orders-worker -> payment) finishes after it.`,
        `Spans per journey, from one probe journey per path on the idle stack: ${perJourney.edge} through the edge (${composition.edge}), ${perJourney.origin} straight to checkout-api (${composition.origin}). Journeys with a span count other than that: ${incomplete}${complete ? '' : ` (INCOMPLETE after ${DRAIN_TIMEOUT_MILLIS / 1000} s)`}; the collector had written everything ${drainSeconds.toFixed(1)} s after the last response.`,
      ],
    };
  } finally {
    agent.destroy();
    await stack.stop();
  }
}
