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
import { progress } from './lib/log.js';
import { ROOT } from './lib/paths.js';

const only = new Set(process.argv.slice(2));
const files = readdirSync(join(ROOT, 'bench'))
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.size === 0 || only.has(name.replace(/\.bench\.ts$/, '')))
  .sort();

const sections: BenchSection[] = [];
for (const file of files) {
  progress(`bench ${file}…`);
  const module = (await import(pathToFileURL(join(ROOT, 'bench', file)).href)) as { default: () => Promise<BenchSection> };
  sections.push(await module.default());
}

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
  lines.push('| figure | value | anchor | anchor value | ratio | target |', '|---|---|---|---|---|---|');
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
