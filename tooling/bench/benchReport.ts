/**
 * Where `npm run bench` writes its figures: one result file per area (`bench/results/<area>.md`,
 * with the same figures as `<area>.json` so a later run of another area can still summarize it),
 * and BENCHMARKS.md, a one-page summary built from every result file: each area's headline
 * figure against its anchor. The hand-written history (`bench/NOTES.md`) is never written here.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow, BenchSection } from '../../bench/types.js';

/** One area's figures as a run left them. */
export interface BenchResult {
  /** The bench file's name without `.bench.ts` (`edge`, `relay`, ...). */
  area: string;
  /** `YYYY-MM-DD` of the run. */
  measuredOn: string;
  /** Node version and CPUs of the run. */
  machine: string;
  section: BenchSection;
}

export const RESULTS_DIR = 'bench/results';
export const SUMMARY_FILE = 'BENCHMARKS.md';
export const NOTES_FILE = 'bench/NOTES.md';

/** A number as the tables show it: three significant figures at most, no trailing noise. */
export function formatFigure(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function ratioOf(row: BenchRow): string {
  return row.anchorValue ? (row.value / row.anchorValue).toFixed(2) : 'n/a';
}

function valueWithSpread(row: BenchRow): string {
  const spread = row.min !== undefined && row.max !== undefined ? ` (${formatFigure(row.min)}–${formatFigure(row.max)})` : '';
  return `${formatFigure(row.value)}${spread} ${row.unit}`;
}

/** The row an area leads with: `section.headline`, else its first. */
export function headlineOf(section: BenchSection): BenchRow | undefined {
  return section.rows[section.headline ?? 0] ?? section.rows[0];
}

/** `bench/results/<area>.md`: the area's whole table and notes. */
export function renderResult(result: BenchResult): string {
  const { section } = result;
  const lines = [
    `# ${section.title}`,
    '',
    `Written by \`npm run bench\` on ${result.measuredOn}, ${result.machine}. Reproduce: \`${section.command}\`. Versions: ${section.versions}.`,
    '',
  ];
  if (section.rows.length > 0) lines.push('| figure | value | anchor | anchor value | ratio | target |', '|---|---|---|---|---|---|');
  for (const row of section.rows) {
    lines.push(
      `| ${row.figure} | ${valueWithSpread(row)} | ${row.anchor} | ${formatFigure(row.anchorValue)} ${row.unit} | ${ratioOf(row)} | ${row.target ?? ''} |`,
    );
  }
  for (const note of section.notes ?? []) lines.push('', note);
  lines.push('');
  return lines.join('\n');
}

/** BENCHMARKS.md: one line per area, its headline figure first against its anchor, linking the details. */
export function renderSummary(results: readonly BenchResult[]): string {
  const lines = [
    '# Benchmarks',
    '',
    "Written by `npm run bench` (do not edit: the next run rewrites it). One line per area: its headline figure against an anchor measured in the same run on the same machine; medians (min–max), never asserted in tests. Each area's whole table and notes are in its result file; the run history and analysis are in [bench/NOTES.md](bench/NOTES.md).",
    '',
    '| area | headline figure | value | anchor | anchor value | ratio | target | measured |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const result of [...results].sort((a, b) => a.area.localeCompare(b.area))) {
    const row = headlineOf(result.section);
    const area = `[${result.section.title}](${RESULTS_DIR}/${result.area}.md)`;
    const measured = `${result.measuredOn}, ${result.machine}`;
    lines.push(
      row
        ? `| ${area} | ${row.figure} | ${valueWithSpread(row)} | ${row.anchor} | ${formatFigure(row.anchorValue)} ${row.unit} | ${ratioOf(row)} | ${row.target ?? ''} | ${measured} |`
        : `| ${area} | (no figure: ${result.section.notes?.[0] ?? 'see the result file'}) | | | | | | ${measured} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

/** Writes the area's result files and rewrites the summary from every area's latest result. */
export function writeBenchResult(root: string, result: BenchResult): void {
  const dir = join(root, RESULTS_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.area}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(dir, `${result.area}.md`), renderResult(result));
  writeFileSync(join(root, SUMMARY_FILE), renderSummary(readBenchResults(root)));
}

/** Every area's latest result, as the result files hold them. */
export function readBenchResults(root: string): BenchResult[] {
  const dir = join(root, RESULTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as BenchResult);
}
