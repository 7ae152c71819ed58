/**
 * `npm run bench [-- name ...]`: runs the benchmarks in bench/*.bench.ts (each a default
 * export returning a BenchSection) and rewrites BENCHMARKS.md with one table per topic:
 * figure, anchor measured in the same run, ratio, versions and the command to reproduce it.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from '../bench/types.js';
import { buildAll } from './build.js';
import { progress } from '@journeytrace/tooling/lib/log.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';

const only = new Set(process.argv.slice(2));
const files = readdirSync(join(ROOT, 'bench'))
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.size === 0 || only.has(name.replace(/\.bench\.ts$/, '')))
  .sort();
const known = new Set(readdirSync(join(ROOT, 'bench')).filter((name) => name.endsWith('.bench.ts')).map((name) => name.replace(/\.bench\.ts$/, '')));
const unknown = [...only].filter((name) => !known.has(name));
if (unknown.length > 0) {
  console.error(`journeytrace: no benchmark named ${unknown.join(', ')}; there are: ${[...known].sort().join(', ')}.`);
  process.exit(1);
}

// The benches load the packages as their users do, from what the build makes (e.g. @journeytrace/edge's dist).
await buildAll();

// A section that fails is reported in its place; the others still run.
const sections: BenchSection[] = [];
const failed: string[] = [];
const suiteStarted = Date.now();
for (const file of files) {
  progress(`bench ${file}…`);
  const started = Date.now();
  try {
    const module = (await import(pathToFileURL(join(ROOT, 'bench', file)).href)) as { default: () => Promise<BenchSection> };
    sections.push(await module.default());
    progress(`bench ${file} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failed.push(file);
    console.error(`journeytrace: bench ${file} failed: ${message}`);
    const name = file.replace(/\.bench\.ts$/, '');
    sections.push({ title: `${name} (failed)`, command: `npm run bench -- ${name}`, versions: 'n/a', rows: [], notes: [`This run failed: ${message.split('\n')[0]}`] });
  }
}
progress(`benchmarks took ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s`);

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
const lines = [
  '# Benchmarks',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}.`,
  'Every figure is compared with an anchor measured in the same run on the same machine; timings are medians (min–max) and are never asserted in tests.',
  '',
];
for (const section of sections) {
  lines.push(`## ${section.title}`, '', `Reproduce: \`${section.command}\`. Versions: ${section.versions}.`, '');
  if (section.rows.length > 0) lines.push('| figure | value | anchor | anchor value | ratio | target |', '|---|---|---|---|---|---|');
  for (const row of section.rows) {
    const spread = row.min !== undefined && row.max !== undefined ? ` (${fmt(row.min)}–${fmt(row.max)})` : '';
    const ratio = row.anchorValue ? (row.value / row.anchorValue).toFixed(2) : 'n/a';
    lines.push(`| ${row.figure} | ${fmt(row.value)}${spread} ${row.unit} | ${row.anchor} | ${fmt(row.anchorValue)} ${row.unit} | ${ratio} | ${row.target ?? ''} |`);
  }
  for (const note of section.notes ?? []) lines.push('', note);
  lines.push('');
}
if (only.size === 0) {
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), lines.join('\n'));
  progress('wrote BENCHMARKS.md');
} else {
  process.stdout.write(`${lines.join('\n')}\n`);
}
if (failed.length > 0) process.exitCode = 1;
