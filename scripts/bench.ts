/**
 * `npm run bench [-- name ...]`: runs the benchmarks in bench/*.bench.ts (each a default
 * export returning a BenchSection) and writes each area's table (figure, anchor measured in the
 * same run, ratio, versions, the command to reproduce it) to bench/results/<area>.md, then
 * BENCHMARKS.md: one line per area, its headline figure against its anchor. Hand-written notes
 * live in bench/NOTES.md, which no run touches.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from '../bench/types.js';
import { buildAll } from './build.js';
import { progress } from '@journeytrace/tooling/lib/log.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { renderResult, writeBenchResult, type BenchResult } from '@journeytrace/tooling/bench/benchReport.js';

const only = new Set(process.argv.slice(2));
const files = readdirSync(join(ROOT, 'bench'))
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.size === 0 || only.has(name.replace(/\.bench\.ts$/, '')))
  .sort();
const known = new Set(
  readdirSync(join(ROOT, 'bench'))
    .filter((name) => name.endsWith('.bench.ts'))
    .map((name) => name.replace(/\.bench\.ts$/, '')),
);
const unknown = [...only].filter((name) => !known.has(name));
if (unknown.length > 0) {
  console.error(`journeytrace: no benchmark named ${unknown.join(', ')}; there are: ${[...known].sort().join(', ')}.`);
  process.exit(1);
}

// The benches load the packages as their users do, from what the build makes (e.g. @journeytrace/edge's dist).
await buildAll();

const measuredOn = new Date().toISOString().slice(0, 10);
const machine = `Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`;

// A section that fails is reported in its place; the others still run.
const sections: Array<{ area: string; section: BenchSection }> = [];
const failed: string[] = [];
const suiteStarted = Date.now();
for (const file of files) {
  progress(`bench ${file}…`);
  const started = Date.now();
  try {
    const module = (await import(pathToFileURL(join(ROOT, 'bench', file)).href)) as { default: () => Promise<BenchSection> };
    sections.push({ area: file.replace(/\.bench\.ts$/, ''), section: await module.default() });
    progress(`bench ${file} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failed.push(file);
    console.error(`journeytrace: bench ${file} failed: ${message}`);
    const name = file.replace(/\.bench\.ts$/, '');
    sections.push({
      area: name,
      section: {
        title: `${name} (failed)`,
        command: `npm run bench -- ${name}`,
        versions: 'n/a',
        rows: [],
        notes: [`This run failed: ${message.split('\n')[0]}`],
      },
    });
  }
}
progress(`benchmarks took ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s`);

for (const { area, section } of sections) {
  const result: BenchResult = { area, measuredOn, machine, section };
  // A failed area keeps its last good figures in the summary; the run still says it failed.
  if (failed.includes(`${area}.bench.ts`)) process.stdout.write(renderResult(result));
  else writeBenchResult(ROOT, result);
}
progress(`wrote bench/results/ (${sections.length - failed.length} areas) and BENCHMARKS.md`);
if (failed.length > 0) process.exitCode = 1;
