/**
 * `npm run soak -- --minutes N [--rate R] [--fault-every S]`: the whole stack (collector, origin
 * services, edge worker on workerd, demo app) under a steady stream of checkout journeys (R per
 * second, default 2, sent to the edge as the browser sends them) for N minutes (default 10),
 * with a fault injected at random every S seconds on average (default 90): the collector
 * SIGKILLed for 30 s, an origin service SIGKILLed for 10 s, the edge restarted, the origin slow
 * for 30 s. Then it waits for the hops to drain and reports spans emitted, arrived, duplicated
 * and lost (lost ones by the nearest fault), and each process's resident memory over time.
 * The result goes to `.data/soak/soak-<time>.json` (everything) and `.md` (the summary, also
 * printed). Not part of `npm test`: it runs for as long as it is told.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keepAliveAgent, postCheckout } from '@journeytrace/tooling/bench/load.js';
import { SpanTally } from '@journeytrace/tooling/load/SpanTally.js';
import { buildAll } from './build.js';
import { progress, SetupError } from '@journeytrace/tooling/lib/log.js';
import { DATA_DIR } from '@journeytrace/tooling/lib/paths.js';
import { injectFault, pickFault } from '@journeytrace/tooling/soak/faults.js';
import { tallySoak, type FaultEvent, type JourneyRecord, type Shapes, type SoakTally } from '@journeytrace/tooling/soak/ledger.js';
import { sampleMemory, summarizeMemory, type MemorySample, type MemorySummary } from '@journeytrace/tooling/soak/memory.js';
import type { Stack } from '@journeytrace/tooling/stack/stack.js';
import { startTestStack } from '@journeytrace/tooling/stack/testStack.js';

const BAGGAGE = 'session.id=5f0c6a1e2b3d4c5e6f708192a3b4c5d6,user.tier=free';
/** At most this many journeys in flight: a slow or restarting hop must not pile up requests without end. */
const MAX_IN_FLIGHT = 16;
const MEMORY_EVERY_MILLIS = 15_000;
/** The services a checkout passes through (orders-queue only relays: its spans are the worker's). */
const JOURNEY_SERVICES = ['edge-worker', 'checkout-api', 'inventory', 'orders-worker', 'payment'];
const PROBE_QUIET_MILLIS = 10_000;
/** After the last journey: done once the collector's output has not grown for this long. */
const DRAIN_QUIET_MILLIS = 45_000;
const DRAIN_MAX_MILLIS = 300_000;

export interface SoakOptions {
  minutes: number;
  journeysPerSecond: number;
  faultEverySeconds: number;
}

/** `--minutes N`, `--rate R`, `--fault-every S` (also as `--name=value`). */
export function soakOptionsOf(args: readonly string[]): SoakOptions {
  const value = (name: string, fallback: number): number => {
    const at = args.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
    if (at < 0) return fallback;
    const text = args[at]!.includes('=') ? args[at]!.slice(args[at]!.indexOf('=') + 1) : args[at + 1];
    const number = Number(text);
    if (!text || !Number.isFinite(number) || number <= 0) throw new SetupError(`--${name} needs a positive number (got ${text ?? 'nothing'})`);
    return number;
  };
  return { minutes: value('minutes', 10), journeysPerSecond: value('rate', 2), faultEverySeconds: value('fault-every', 90) };
}

interface SoakResult {
  options: SoakOptions;
  startedAt: string;
  runDir: string;
  shapes: Record<string, Record<string, number>>;
  tally: SoakTally;
  faults: FaultEvent[];
  memory: MemorySample[];
  memorySummary: Record<string, MemorySummary>;
  drainSeconds: number;
}

async function main(): Promise<void> {
  const options = soakOptionsOf(process.argv.slice(2));
  await buildAll();
  progress(`soak: starting the stack (${options.minutes} min, ${options.journeysPerSecond} journeys/s, a fault every ~${options.faultEverySeconds} s)…`);
  // Every journey kept: what the collector wrote is what arrived.
  const stack = await startTestStack({ name: 'soak', collectorEnv: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' } });
  try {
    const result = await soak(stack, options);
    const dir = join(DATA_DIR, 'soak');
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `soak-${result.startedAt.replace(/[:.]/g, '-')}`);
    const summary = renderSummary(result);
    writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(`${base}.md`, summary);
    console.log(`\n${summary}`);
    progress(`soak: result in ${base}.json and .md`);
  } finally {
    await stack.stop();
  }
}

async function soak(stack: Stack, options: SoakOptions): Promise<SoakResult> {
  const edgeUrl = new URL('/api/checkout', stack.urls.edge);
  const agent = keepAliveAgent(MAX_IN_FLIGHT);
  const output = new SpanTally(stack.tracesFile);
  const shapes: Shapes = { ok: await probeShape(stack, output, edgeUrl, 'ok'), slow: await probeShape(stack, output, edgeUrl, 'slow') };
  progress(`soak: spans per journey: ok ${total(shapes.ok)}, slow ${total(shapes.slow)}`);

  const started = Date.now();
  const endAt = started + options.minutes * 60_000;
  const journeys: JourneyRecord[] = [];
  const faults: FaultEvent[] = [];
  const memory: MemorySample[] = [sampleMemory(stack.services, started)];
  let slow = false;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();

  const journeyTimer = setInterval(() => {
    if (inFlight >= MAX_IN_FLIGHT) return;
    inFlight += 1;
    const scenario = slow ? 'slow' : 'ok';
    const startedAt = Date.now();
    const work = postCheckout(agent, edgeUrl, BAGGAGE, scenario)
      .then(({ traceId, status }) => void journeys.push({ traceId, startedAt, status, scenario }))
      // No answer (the edge restarting): its trace id is unknown to the ledger and nothing is promised.
      .catch(() => void journeys.push({ traceId: `unanswered-${journeys.length}`, startedAt, status: 0, scenario }))
      .finally(() => {
        inFlight -= 1;
        pending.delete(work);
      });
    pending.add(work);
  }, 1000 / options.journeysPerSecond);
  const memoryTimer = setInterval(() => memory.push(sampleMemory(stack.services, started)), MEMORY_EVERY_MILLIS);
  const progressTimer = setInterval(
    () => progress(`soak: ${Math.round((Date.now() - started) / 60_000)} min, ${journeys.length} journeys, ${faults.length} faults`),
    60_000,
  );

  // Faults one after another, each after a random pause around the mean, until the time is up.
  const random = Math.random;
  while (Date.now() < endAt) {
    const pause = options.faultEverySeconds * 1000 * (0.5 + random());
    await sleep(Math.max(0, Math.min(pause, endAt - Date.now())));
    if (Date.now() >= endAt) break;
    const fault = pickFault(random);
    progress(`soak: fault ${fault.kind} (${fault.target})`);
    try {
      faults.push(await injectFault(stack, fault, { setSlow: (on) => (slow = on) }));
    } catch (error) {
      // A service that does not come back ends the faults, not the soak: what was sent is still counted.
      progress(`soak: ${fault.target} did not come back after ${fault.kind}; no more faults: ${error instanceof Error ? error.message : String(error)}`);
      faults.push({ ...fault, startedAt: Date.now(), endedAt: Date.now() });
      await sleep(Math.max(0, endAt - Date.now()));
    }
  }
  clearInterval(journeyTimer);
  clearInterval(progressTimer);
  await Promise.allSettled([...pending]);
  agent.destroy();

  progress(`soak: ${journeys.length} journeys sent; waiting for the hops to drain…`);
  const drainStarted = Date.now();
  let lastSize = -1;
  let quietSince = Date.now();
  while (Date.now() - drainStarted < DRAIN_MAX_MILLIS && Date.now() - quietSince < DRAIN_QUIET_MILLIS) {
    await sleep(2_000);
    await output.update();
    const size = [...output.byTrace.values()].reduce((sum, count) => sum + count, 0);
    if (size !== lastSize) [lastSize, quietSince] = [size, Date.now()];
  }
  clearInterval(memoryTimer);
  memory.push(sampleMemory(stack.services, started));
  const tally = tallySoak(
    journeys,
    shapes,
    { services: (id) => output.servicesByTrace.get(id) ?? [], repeats: (id) => output.repeatsByTrace.get(id) ?? 0 },
    faults,
  );
  return {
    options,
    startedAt: new Date(started).toISOString(),
    runDir: stack.runDir,
    shapes: { ok: Object.fromEntries(shapes.ok), slow: Object.fromEntries(shapes.slow) },
    tally,
    faults,
    memory,
    memorySummary: summarizeMemory(memory),
    drainSeconds: Math.round((Date.now() - drainStarted) / 1000),
  };
}

/**
 * One journey of `scenario` on the idle stack, counted per service at the collector once every
 * service of the journey reported and no span has come for PROBE_QUIET_MILLIS (on a busy machine
 * the queue hop lands seconds after the response: a shape counted early would make every later
 * loss invisible).
 */
async function probeShape(stack: Stack, output: SpanTally, edgeUrl: URL, scenario: 'ok' | 'slow'): Promise<Map<string, number>> {
  const agent = keepAliveAgent(1);
  const { traceId, status } = await postCheckout(agent, edgeUrl, BAGGAGE, scenario);
  agent.destroy();
  if (status !== 200) throw new Error(`the ${scenario} probe journey was answered ${status}; see ${stack.runDir}`);
  const services = () => new Set(output.servicesByTrace.get(traceId) ?? []);
  const whole = () => JOURNEY_SERVICES.every((service) => services().has(service));
  let last = 0;
  let stableSince = Date.now();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !(whole() && Date.now() - stableSince > PROBE_QUIET_MILLIS)) {
    await sleep(250);
    await output.update();
    const count = output.servicesByTrace.get(traceId)?.length ?? 0;
    if (count !== last) [last, stableSince] = [count, Date.now()];
  }
  if (!whole())
    throw new Error(`the ${scenario} probe journey ${traceId} did not reach every service (${[...services()].join(', ')}) within 120 s; see ${stack.runDir}`);
  const shape = new Map<string, number>();
  for (const service of output.servicesByTrace.get(traceId) ?? []) shape.set(service, (shape.get(service) ?? 0) + 1);
  return shape;
}

export function renderSummary(result: SoakResult): string {
  const { tally, options } = result;
  const number = (value: number) => value.toLocaleString('en-US');
  const faultCounts = new Map<string, number>();
  for (const fault of result.faults) faultCounts.set(fault.kind, (faultCounts.get(fault.kind) ?? 0) + 1);
  const lines = [
    `# soak of ${result.startedAt}`,
    '',
    `${options.minutes} min, ${options.journeysPerSecond} journeys/s, a fault every ~${options.faultEverySeconds} s; stack in ${result.runDir}.`,
    `Faults: ${[...faultCounts].map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none'} (collector and origin kills are SIGKILL; the edge restart is a graceful stop).`,
    '',
    '| figure | value |',
    '|---|---|',
    `| journeys | ${number(tally.journeys)} (answered 200: ${number(tally.answered200)}, answered otherwise: ${number(tally.answeredOther)}, no answer: ${number(tally.unanswered)}) |`,
    `| spans emitted | ${number(tally.spansEmitted)} |`,
    `| spans arrived | ${number(tally.spansArrived)} |`,
    `| spans duplicated | ${number(tally.spansDuplicated)} |`,
    `| spans lost | ${number(tally.spansLost)} |`,
    ...Object.entries(tally.lostByFault).map(
      ([fault, byService]) =>
        `| lost near ${fault} | ${Object.entries(byService)
          .map(([service, count]) => `${service} ${count}`)
          .join(', ')} |`,
    ),
    `| drain after the last journey | ${result.drainSeconds} s |`,
    '',
    '| process | RSS first (MiB) | last | most |',
    '|---|---|---|---|',
    ...Object.entries(result.memorySummary).map(([name, { first, last, max }]) => `| ${name} | ${first} | ${last} | ${max} |`),
    '',
  ];
  return lines.join('\n');
}

const total = (shape: ReadonlyMap<string, number>) => [...shape.values()].reduce((sum, count) => sum + count, 0);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`journeytrace: ${error instanceof SetupError ? error.message : error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
}
