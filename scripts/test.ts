/**
 * `npm test`: installs what is missing (chromium, the collector build), builds, type-checks,
 * checks formatting and lint (`biome ci`, configured in biome.jsonc) and the import graph
 * (.dependency-cruiser.cjs), runs the unit tests (node's test runner) and the journey tests
 * (Playwright in Chromium), then prints one summary line: `npm test: N passed, N failed`. When
 * every test passed, test/RELIABILITY.md is written from the figures the tests recorded in this
 * run (the README links it and is never rewritten by a run).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildAll } from './build.js';
import { progress, SetupError } from '@journeytrace/tooling/lib/log.js';
import { DATA_DIR, ROOT } from '@journeytrace/tooling/lib/paths.js';
import { run } from '@journeytrace/tooling/lib/run.js';
import { ensureToolchain } from '@journeytrace/tooling/setup/index.js';
import { endServicesOfEarlierRuns } from '@journeytrace/tooling/stack/serviceRegistry.js';
import { faultsFromJourneyReport, readFigures, RELIABILITY_FILE, renderReliabilityFile, type Figure } from '@journeytrace/tooling/reliability/figures.js';

const UNIT_TEST_DIRS = [
  'contract/src',
  'node-sdk/src',
  'web-sdk/src',
  'web-sdk/test',
  'edge-worker/src',
  'edge-worker/test',
  'demo-app/src',
  'demo-app/server',
  'demo-app/services',
  'demo-app/edge',
  'collector',
  'scripts',
  'tooling',
  'test/playwright-kit/src',
  'test/property',
  'test/security',
  'test/load',
  'test/package',
  'test/backends',
];
/** The folders the import-graph rules cover (examples/ are users' projects, outside the workspaces). */
const CODE_DIRS = [
  'web-sdk',
  'edge-worker',
  'demo-app',
  'test',
  'tooling',
  'scripts',
  'bench',
  'collector',
  ...['contract', 'node-sdk'].filter((dir) => existsSync(join(ROOT, dir))),
];
// Per run, so a second run beside this one never clears its reports.
const REPORTS_DIR = join(DATA_DIR, 'test-reports', String(process.pid));

interface Tally {
  passed: number;
  failed: number;
}

async function main(): Promise<number> {
  endServicesOfEarlierRuns();
  await ensureToolchain({ chromium: true });
  await buildAll();
  rmSync(REPORTS_DIR, { recursive: true, force: true });
  mkdirSync(REPORTS_DIR, { recursive: true });

  progress('type-checking (tsc, strict)…');
  const typecheck = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: ROOT });
  progress('formatting and lint (biome ci)…');
  const lint = await run(process.execPath, [join(ROOT, 'node_modules/@biomejs/biome/bin/biome'), 'ci', '.'], { cwd: ROOT });
  const checks = [typecheck, lint];
  const tally: Tally = { passed: checks.filter((check) => check.code === 0).length, failed: checks.filter((check) => check.code !== 0).length };

  progress('import graph (dependency-cruiser: no cycle, packages by name only, libraries apart)…');
  const imports = await checkImportGraph();
  if (imports.code === 0) tally.passed += 1;
  else tally.failed += 1;

  const unit = await runUnitTests();
  // Read now: Playwright clears the report folder (its output folder) when it starts.
  const unitFigures = readFigures(REPORTS_DIR);
  const journeys = await runJourneyTests();
  for (const part of [unit, journeys]) {
    tally.passed += part.passed;
    tally.failed += part.failed;
  }
  const passed = tally.failed === 0 && tally.passed > 0;
  if (passed) writeReliabilityFigures(unitFigures);
  console.log(`\nnpm test: ${tally.passed} passed, ${tally.failed} failed`);
  return passed ? 0 : 1;
}

/** The rules in .dependency-cruiser.cjs, over every folder with code of the project's own. */
async function checkImportGraph() {
  const result = await run(
    process.execPath,
    [join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs'), '--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...CODE_DIRS],
    { cwd: ROOT },
  );
  if (result.code !== 0) console.log(result.output);
  return result;
}

async function runUnitTests(): Promise<Tally> {
  const files = UNIT_TEST_DIRS.flatMap((dir) => findTests(join(ROOT, dir))).map((file) => relative(ROOT, file));
  progress(`unit tests (${files.length} files)…`);
  const tap = join(REPORTS_DIR, 'unit.tap');
  const result = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    // Tests record their reliability figures there (tooling/reliability/figures.ts), as journey tests do.
    { cwd: ROOT, env: { ...process.env, JOURNEYTRACE_TEST_OUTPUT: REPORTS_DIR } },
  );
  const report = readFileSync(tap, 'utf8');
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
  const tally = { passed: count('pass'), failed: count('fail') };
  if (result.code !== 0 && tally.failed === 0) tally.failed = 1;
  return tally;
}

async function runJourneyTests(): Promise<Tally> {
  progress('journey tests (Playwright, Chromium, whole stack)…');
  const result = await run(process.execPath, [join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'test/playwright.config.ts'], {
    cwd: ROOT,
    env: { ...process.env, JOURNEYTRACE_TEST_OUTPUT: REPORTS_DIR },
  });
  let tally: Tally = { passed: 0, failed: result.code === 0 ? 0 : 1 };
  try {
    const report = JSON.parse(readFileSync(join(REPORTS_DIR, 'journeys.json'), 'utf8')) as {
      stats: { expected: number; unexpected: number; flaky: number };
    };
    tally = { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected };
  } catch {
    // No report: Playwright failed before running tests (its output says why).
  }
  if (result.code !== 0 && tally.failed === 0) tally.failed = 1;
  return tally;
}

/** The README's reliability section, from the figures this run's tests recorded. */
function writeReliabilityFigures(unitFigures: Figure[]): void {
  const figures: Figure[] = [...unitFigures, ...readFigures(REPORTS_DIR)];
  try {
    figures.push(
      faultsFromJourneyReport(JSON.parse(readFileSync(join(REPORTS_DIR, 'journeys.json'), 'utf8')) as Parameters<typeof faultsFromJourneyReport>[0]),
    );
  } catch {
    // No journey report: nothing to count.
  }
  writeFileSync(join(ROOT, RELIABILITY_FILE), renderReliabilityFile(figures, new Date().toISOString().slice(0, 10)));
  progress(`${RELIABILITY_FILE} written from this run's figures (${relative(ROOT, REPORTS_DIR)}/reliability)`);
}

function findTests(dir: string): string[] {
  const found: string[] = [];
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found.sort();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`journeytrace: ${error instanceof SetupError ? error.message : error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
