/**
 * Reliability figures a test run produces: tests record what they proved (cases tried, faults
 * survived, spans emitted and arrived, worker memory) as JSON files in the run's report folder
 * (`JOURNEYTRACE_TEST_OUTPUT`), and `npm test` turns them into test/RELIABILITY.md (a generated
 * file the README links) once every test has passed. Pure apart from `recordFigure` and `readFigures`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm test` writes the figures, from the repository's root. */
export const RELIABILITY_FILE = 'test/RELIABILITY.md';

export interface PropertyFigure {
  kind: 'property';
  /** The property test file, e.g. `w3c-headers`. */
  suite: string;
  property: string;
  /** Generated cases that ran and held. */
  cases: number;
}

/** Spans of the journeys run around a collector outage, per hop. */
export interface HopFigure {
  expected: number;
  arrived: number;
  /** Drops the hop itself reported (its counters or warnings). */
  droppedReported: number;
}

export interface OutageFigure {
  kind: 'outage';
  outageSeconds: number;
  journeys: number;
  journeysDuringOutage: number;
  hops: Record<'browser' | 'edge' | 'origin', HopFigure>;
}

export interface LoadFigure {
  kind: 'load';
  journeys: number;
  concurrency: number;
  seconds: number;
  spansPerJourney: number;
  spansEmitted: number;
  spansArrived: number;
  /** The worker isolate's JS heap after a full garbage collection, after warm-up and at the end, in MiB. */
  heapAfterGcStartMiB: number;
  heapAfterGcEndMiB: number;
  /** workerd resident memory after warm-up, at the end, and the most seen, in MiB. */
  workerRssStartMiB: number;
  workerRssEndMiB: number;
  workerRssMaxMiB: number;
}

/** A collector SIGKILLed mid-traffic, down for a while, restarted (collector/crash.test.ts). */
export interface CrashFigure {
  kind: 'crash';
  /** Which collector was killed, e.g. `front tier (two-tier setup)`. */
  target: string;
  downSeconds: number;
  /** Spans a collector answered 2xx for, and how many of them reached the output. */
  spansAcknowledged: number;
  spansArrived: number;
  /** Copies beyond the first (at-least-once repeats). */
  duplicates: number;
  lost: number;
  /** What may be lost: spans acknowledged this long before the kill (the sampler's window); 0 when nothing may. */
  lossWindowMillis: number;
}

export interface FaultsFigure {
  kind: 'faults';
  /** Journey tests that passed while the collector restarted mid-journey. */
  collectorRestarts: number;
  /** Journey tests that passed with the origin slow or down. */
  originFaults: number;
}

export interface ScanFigure {
  kind: 'scan';
  /** Browser bundle files scanned, none holding any of `patterns` kinds of secret. */
  files: number;
  patterns: number;
}

export interface GzipBombFigure {
  kind: 'gzip-bomb';
  /** The bomb on the wire, what it would expand to, and the relay's limit, in bytes. */
  wireBytes: number;
  expandedBytes: number;
  limitBytes: number;
  /** The relay's answer, and how long the client waited for it. */
  status: number;
  answerMillis: number;
  /** workerd resident memory before, and the most seen while the bomb was answered, in MiB. */
  workerRssBeforeMiB: number;
  workerRssMaxMiB: number;
}

export type Figure = PropertyFigure | OutageFigure | CrashFigure | LoadFigure | FaultsFigure | ScanFigure | GzipBombFigure;

/** Writes one figure for this run (a no-op outside `npm test`, where `JOURNEYTRACE_TEST_OUTPUT` is unset, or with an empty `outputDir`). */
export function recordFigure(name: string, figure: Figure, outputDir = process.env.JOURNEYTRACE_TEST_OUTPUT): void {
  if (!outputDir) return;
  const dir = join(outputDir, 'reliability');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${slug(name)}.json`), `${JSON.stringify(figure, null, 2)}\n`);
}

/** Every figure recorded in a run's report folder. */
export function readFigures(outputDir: string): Figure[] {
  const dir = join(outputDir, 'reliability');
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Figure);
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: Array<{ title: string; ok: boolean; file?: string }>;
  suites?: PlaywrightSuite[];
}

/** Faults survived, from Playwright's JSON report: passed tests of the restart and origin-fault specs. */
export function faultsFromJourneyReport(report: { suites?: PlaywrightSuite[] }): FaultsFigure {
  const passed: Array<{ file: string; path: string }> = [];
  const walk = (suite: PlaywrightSuite, file: string, path: string) => {
    const here = suite.file ?? file;
    const title = `${path} ${suite.title}`;
    for (const spec of suite.specs ?? []) if (spec.ok) passed.push({ file: spec.file ?? here, path: `${title} ${spec.title}` });
    for (const child of suite.suites ?? []) walk(child, here, title);
  };
  for (const suite of report.suites ?? []) walk(suite, suite.file ?? suite.title, '');
  return {
    kind: 'faults',
    collectorRestarts: passed.filter((spec) => spec.file.endsWith('journey-matrix.spec.ts') && /collector restarts/.test(spec.path)).length,
    originFaults: passed.filter((spec) => spec.file.endsWith('origin-faults.spec.ts')).length,
  };
}

const number = (value: number) => value.toLocaleString('en-US');
const mib = (value: number) => `${value.toFixed(0)} MiB`;

/** The figures of a run, as a table. */
export function renderReliability(figures: Figure[], date: string): string {
  const rows: Array<[string, string]> = [];
  const properties = figures.filter((figure): figure is PropertyFigure => figure.kind === 'property');
  if (properties.length) {
    const suites = new Map<string, { cases: number; count: number }>();
    for (const { suite, cases } of properties) {
      const entry = suites.get(suite) ?? { cases: 0, count: 0 };
      suites.set(suite, { cases: entry.cases + cases, count: entry.count + 1 });
    }
    const total = properties.reduce((sum, figure) => sum + figure.cases, 0);
    const perSuite = [...suites].map(([suite, { cases, count }]) => `${suite} ${number(cases)} (${count})`).join(', ');
    rows.push(['property cases tried (fast-check), all held', `${number(total)} over ${properties.length} properties: ${perSuite}`]);
  }
  for (const scan of figures.filter((figure): figure is ScanFigure => figure.kind === 'scan')) {
    rows.push(['browser bundles scanned for secrets and the collector address', `${scan.files} files, ${scan.patterns} patterns, 0 found`]);
  }
  for (const outage of figures.filter((figure): figure is OutageFigure => figure.kind === 'outage')) {
    const hops = Object.entries(outage.hops);
    const expected = hops.reduce((sum, [, hop]) => sum + hop.expected, 0);
    const arrived = hops.reduce((sum, [, hop]) => sum + Math.min(hop.arrived, hop.expected), 0);
    const dropped = hops.reduce((sum, [, hop]) => sum + hop.droppedReported, 0);
    rows.push([
      `collector stopped gracefully (SIGTERM) for ${outage.outageSeconds} s`,
      `${outage.journeys} journeys (${outage.journeysDuringOutage} during the outage): ${number(arrived)}/${number(expected)} spans arrived ` +
        `(${hops.map(([name, hop]) => `${name} ${number(hop.arrived)}/${number(hop.expected)}`).join(', ')}); spans lost ${expected - arrived}; drops reported ${dropped}`,
    ]);
  }
  for (const crash of figures.filter((figure): figure is CrashFigure => figure.kind === 'crash')) {
    const promise = crash.lossWindowMillis > 0 ? `may lose only its tail sampler's last ${number(crash.lossWindowMillis)} ms` : 'may lose nothing';
    rows.push([
      `${crash.target} killed (SIGKILL) mid-traffic, down ${crash.downSeconds} s`,
      `${number(crash.spansArrived)}/${number(crash.spansAcknowledged)} acknowledged spans arrived; lost ${number(crash.lost)} (${promise}); repeats ${number(crash.duplicates)}`,
    ]);
  }
  for (const faults of figures.filter((figure): figure is FaultsFigure => figure.kind === 'faults')) {
    rows.push(['other faults survived', `collector restart mid-journey: ${faults.collectorRestarts}; origin slow or down: ${faults.originFaults}`]);
  }
  for (const load of figures.filter((figure): figure is LoadFigure => figure.kind === 'load')) {
    rows.push([
      'load on loopback (edge -> origin -> collector)',
      `${number(load.journeys)} journeys, ${load.concurrency} in flight, ${load.seconds.toFixed(0)} s: spans emitted ${number(load.spansEmitted)} ` +
        `(${load.spansPerJourney} per journey), arrived ${number(load.spansArrived)}, lost ${number(Math.max(0, load.spansEmitted - load.spansArrived))}`,
    ]);
    rows.push([
      'edge worker memory (wrangler dev)',
      `JS heap after a full GC ${load.heapAfterGcStartMiB.toFixed(2)} MiB after warm-up, ${load.heapAfterGcEndMiB.toFixed(2)} MiB at the end; ` +
        `workerd RSS ${mib(load.workerRssStartMiB)} after warm-up, ${mib(load.workerRssEndMiB)} at the end (most ${mib(load.workerRssMaxMiB)}; V8 collects late, so RSS is not the measure)`,
    ]);
  }
  for (const bomb of figures.filter((figure): figure is GzipBombFigure => figure.kind === 'gzip-bomb')) {
    rows.push([
      'gzip bomb at the relay (wrangler dev)',
      `${number(Math.round(bomb.wireBytes / 1024))} KiB expanding to ${number(Math.round(bomb.expandedBytes / 1048576))} MiB, limit ${number(Math.round(bomb.limitBytes / 1024))} KiB: ` +
        `${bomb.status} in ${bomb.answerMillis.toFixed(0)} ms; workerd RSS ${mib(bomb.workerRssBeforeMiB)} before, at most ${mib(bomb.workerRssMaxMiB)} meanwhile`,
    ]);
  }
  return [
    `Figures from the last \`npm test\` run in which every test passed (${date}):`,
    '',
    '| what | figure |',
    '|---|---|',
    ...rows.map(([what, figure]) => `| ${what} | ${figure} |`),
  ].join('\n');
}

/** test/RELIABILITY.md: generated whole by each run in which every test passed. */
export function renderReliabilityFile(figures: Figure[], date: string): string {
  return [
    '# Reliability figures',
    '',
    'Written by `npm test` (do not edit: the next run in which every test passes rewrites it). What the tests try is in the [README](../README.md#reliability).',
    '',
    renderReliability(figures, date),
    '',
  ].join('\n');
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
