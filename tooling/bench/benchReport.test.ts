import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BenchSection } from '../../bench/types.js';
import { NOTES_FILE, readBenchResults, renderSummary, SUMMARY_FILE, writeBenchResult, type BenchResult } from './benchReport.js';

const section = (title: string, headline?: number): BenchSection => ({
  title,
  command: `npm run bench -- ${title}`,
  versions: 'x 1.0.0',
  headline,
  rows: [
    { figure: 'bundle bytes', value: 2048, unit: 'B', anchor: 'stock bundle', anchorValue: 4096 },
    { figure: 'CPU per request', value: 0.63, min: 0.52, max: 0.95, unit: 'ms', anchor: 'untraced', anchorValue: 0.54, target: '< 1.1' },
  ],
  notes: ['A long note that belongs in the result file, not the summary.'],
});
const result = (area: string, headline?: number): BenchResult => ({
  area,
  measuredOn: '2026-12-07',
  machine: 'Node 24, 2 × cpu',
  section: section(area, headline),
});

describe('bench results and the BENCHMARKS.md summary', () => {
  it('leads each area with its headline figure against its anchor, one line per area, details linked', () => {
    const summary = renderSummary([result('edge', 1), result('bundle-size')]);
    const rows = summary.split('\n').filter((line) => line.startsWith('| ['));
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, /^\| \[bundle-size\]\(bench\/results\/bundle-size\.md\) \| bundle bytes \| 2048 B \| stock bundle \| 4096 B \| 0\.50 \|/);
    assert.match(
      rows[1]!,
      /^\| \[edge\]\(bench\/results\/edge\.md\) \| CPU per request \| 0\.63 \(0\.52–0\.95\) ms \| untraced \| 0\.54 ms \| 1\.17 \| < 1\.1 \|/,
    );
    assert.ok(!summary.includes('A long note'), 'notes stay in the result file');
  });

  it('writes the area, keeps the other areas of an earlier run in the summary, and never touches the notes', () => {
    const root = mkdtempSync(join(tmpdir(), 'jt-bench-report-'));
    try {
      mkdirSync(join(root, 'bench'), { recursive: true });
      const notes = '# Benchmark notes\n\nHand-written history.\n';
      writeFileSync(join(root, NOTES_FILE), notes);
      writeBenchResult(root, result('edge'));
      writeBenchResult(root, result('relay'));
      writeBenchResult(root, { ...result('edge'), measuredOn: '2026-12-08' });

      assert.deepEqual(
        readBenchResults(root).map((r) => `${r.area} ${r.measuredOn}`),
        ['edge 2026-12-08', 'relay 2026-12-07'],
      );
      const summary = readFileSync(join(root, SUMMARY_FILE), 'utf8');
      assert.match(summary, /\[edge\].*2026-12-08/);
      assert.match(summary, /\[relay\].*2026-12-07/);
      const edge = readFileSync(join(root, 'bench/results/edge.md'), 'utf8');
      assert.match(edge, /A long note/);
      assert.match(edge, /\| CPU per request \| 0\.63 \(0\.52–0\.95\) ms \| untraced \| 0\.54 ms \| 1\.17 \| < 1\.1 \|/);
      assert.equal(readFileSync(join(root, NOTES_FILE), 'utf8'), notes);
      assert.ok(!existsSync(join(root, 'README.md')));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
