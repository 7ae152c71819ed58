import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultsFromJourneyReport, readFigures, recordFigure, renderReliability, renderReliabilityFile, type Figure } from './figures.js';

const load: Figure = {
  kind: 'load',
  journeys: 10_000,
  concurrency: 24,
  seconds: 180.4,
  spansPerJourney: 13,
  spansEmitted: 130_000,
  spansArrived: 130_000,
  heapAfterGcStartMiB: 2.48,
  heapAfterGcEndMiB: 2.5,
  workerRssStartMiB: 80.2,
  workerRssEndMiB: 82.9,
  workerRssMaxMiB: 84,
};

describe('reliability figures', () => {
  it('are recorded per test in the run folder and read back; nothing is written without one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'figures-'));
    recordFigure(
      'property w3c-headers reads back what it writes',
      { kind: 'property', suite: 'w3c-headers', property: 'reads back what it writes', cases: 100_000 },
      dir,
    );
    recordFigure('load', load, dir);
    recordFigure('ignored', load, '');
    assert.deepEqual(
      readFigures(dir)
        .map((figure) => figure.kind)
        .sort(),
      ['load', 'property'],
    );
    assert.deepEqual(readFigures(join(dir, 'missing')), []);
  });

  it('count the faults survived from the Playwright report', () => {
    const report = {
      suites: [
        {
          title: 'journey-matrix.spec.ts',
          file: 'journey-matrix.spec.ts',
          specs: [{ title: 'a signed-in free user', ok: true }],
          suites: [{ title: 'the collector restarts mid-run', specs: [{ title: 'a journey made while the collector is down', ok: true }] }],
        },
        {
          title: 'origin-faults.spec.ts',
          file: 'origin-faults.spec.ts',
          specs: [
            { title: 'slow', ok: true },
            { title: 'down', ok: false },
          ],
        },
      ],
    };
    assert.deepEqual(faultsFromJourneyReport(report), { kind: 'faults', collectorRestarts: 1, originFaults: 1 });
  });

  it('render a short table, spans lost worked out from emitted and arrived', () => {
    const text = renderReliability(
      [
        { kind: 'property', suite: 'w3c-headers', property: 'a', cases: 100_000 },
        { kind: 'property', suite: 'w3c-headers', property: 'b', cases: 100_000 },
        { kind: 'property', suite: 'relay-bodies', property: 'c', cases: 100_000 },
        {
          kind: 'outage',
          outageSeconds: 30,
          journeys: 10,
          journeysDuringOutage: 6,
          hops: {
            browser: { expected: 30, arrived: 30, droppedReported: 0 },
            edge: { expected: 40, arrived: 40, droppedReported: 0 },
            origin: { expected: 90, arrived: 90, droppedReported: 0 },
          },
        },
        { kind: 'faults', collectorRestarts: 1, originFaults: 2 },
        { ...load, spansArrived: 129_990 } as Figure,
      ],
      '2026-11-27',
    );
    assert.match(text, /\(2026-11-27\)/);
    assert.match(
      text,
      /\| property cases tried \(fast-check\), all held \| 300,000 over 3 properties: w3c-headers 200,000 \(2\), relay-bodies 100,000 \(1\) \|/,
    );
    assert.match(
      text,
      /collector stopped gracefully \(SIGTERM\) for 30 s \| 10 journeys \(6 during the outage\): 160\/160 spans arrived \(browser 30\/30, edge 40\/40, origin 90\/90\); spans lost 0; drops reported 0/,
    );
    assert.match(text, /collector restart mid-journey: 1; origin slow or down: 2/);
    assert.match(text, /10,000 journeys, 24 in flight, 180 s: spans emitted 130,000 \(13 per journey\), arrived 129,990, lost 10/);
    assert.match(text, /JS heap after a full GC 2\.48 MiB after warm-up, 2\.50 MiB at the end/);
    assert.match(text, /80 MiB after warm-up, 83 MiB at the end \(most 84 MiB/);
  });

  it('render crash rows: SIGKILL said, what arrived, what was lost against what may be', () => {
    const text = renderReliability(
      [
        {
          kind: 'crash',
          target: 'front tier (two-tier setup)',
          downSeconds: 30,
          spansAcknowledged: 1_200,
          spansArrived: 1_200,
          duplicates: 35,
          lost: 0,
          lossWindowMillis: 0,
        },
        {
          kind: 'crash',
          target: 'single collector',
          downSeconds: 30,
          spansAcknowledged: 1_100,
          spansArrived: 1_091,
          duplicates: 0,
          lost: 9,
          lossWindowMillis: 2_000,
        },
      ],
      '2026-12-07',
    );
    assert.match(
      text,
      /\| front tier \(two-tier setup\) killed \(SIGKILL\) mid-traffic, down 30 s \| 1,200\/1,200 acknowledged spans arrived; lost 0 \(may lose nothing\); repeats 35 \|/,
    );
    assert.match(
      text,
      /\| single collector killed \(SIGKILL\) mid-traffic, down 30 s \| 1,091\/1,100 acknowledged spans arrived; lost 9 \(may lose only its tail sampler's last 2,000 ms\); repeats 0 \|/,
    );
  });

  it('render the gzip bomb row: sizes, the answer and workerd memory', () => {
    const text = renderReliability(
      [
        {
          kind: 'gzip-bomb',
          wireBytes: 305_779,
          expandedBytes: 300 * 1048576,
          limitBytes: 512 * 1024,
          status: 413,
          answerMillis: 41.6,
          workerRssBeforeMiB: 61.2,
          workerRssMaxMiB: 63.9,
        },
      ],
      '2026-12-07',
    );
    assert.match(
      text,
      /\| gzip bomb at the relay \(wrangler dev\) \| 299 KiB expanding to 300 MiB, limit 512 KiB: 413 in 42 ms; workerd RSS 61 MiB before, at most 64 MiB meanwhile \|/,
    );
  });

  it('make a whole generated file: a title, where it comes from, then the table', () => {
    const figures: Figure[] = [{ kind: 'scan', files: 45, patterns: 4 }];
    const file = renderReliabilityFile(figures, '2026-12-07');
    assert.ok(file.startsWith('# Reliability figures\n\nWritten by `npm test`'));
    assert.ok(file.endsWith(`${renderReliability(figures, '2026-12-07')}\n`));
    assert.match(file, /\| browser bundles scanned for secrets and the collector address \| 45 files, 4 patterns, 0 found \|/);
  });
});
