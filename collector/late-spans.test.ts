/**
 * A journey's late spans follow its decision: once the collector has judged a journey and the
 * journey has left memory (here: after a few newer ones, with room for only 2), a span arriving
 * late, even an ERROR one, is neither kept as half a journey nor re-judged on its own.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DATA_DIR } from '@journeytrace/tooling/lib/paths.js';
import { readKeptSpans } from '@journeytrace/playwright/collector-output';
import { waitForTrace } from '@journeytrace/playwright/wait';
import { runCollector, type RunningCollector } from './support/runCollector.js';
import { createSpanSender, randomHex, type SpanSpec } from './support/spanSender.js';

const here = import.meta.dirname;
const runDir = join(DATA_DIR, 'test-runs', `collector-late-spans-${process.pid}`);
const pastDecision = () => new Promise((resolve) => setTimeout(resolve, 2_500));

describe('late spans after a decision', () => {
  let collector: RunningCollector;

  before(async () => {
    collector = await runCollector({
      name: 'late-spans',
      runDir,
      configs: [join(here, 'config.yaml'), join(here, 'config.test.yaml'), 'yaml:processors::tail_sampling::num_traces: 2'],
      env: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '0' },
    });
  });
  after(async () => {
    await collector?.stop();
  });

  async function send(specs: SpanSpec[]): Promise<void> {
    const sender = createSpanSender({ serviceName: 'edge-worker', collectorUrl: collector.httpUrl });
    sender.send(specs);
    await sender.shutdown();
  }

  /** Newer journeys that push the judged ones out of memory. */
  async function evict(): Promise<void> {
    await send(Array.from({ length: 4 }, () => ({ traceId: randomHex(32), name: 'newer' })));
    await pastDecision();
  }

  it('drops the late ERROR span of a journey dropped earlier', async () => {
    const dropped = randomHex(32);
    await send([{ traceId: dropped, name: 'POST /api/checkout' }]);
    await pastDecision();
    await evict();
    await send([{ traceId: dropped, name: 'late browser span', error: true }]);
    // A kept journey sent after it is the barrier.
    const barrier = randomHex(32);
    await send([{ traceId: barrier, name: 'barrier', error: true }]);
    await waitForTrace(collector.tracesFile, barrier, (spans) => spans.length === 1);
    await pastDecision();
    assert.deepEqual(
      (await readKeptSpans(collector.tracesFile)).filter((span) => span.traceId === dropped),
      [],
    );
  });

  it('keeps the late span of a journey kept earlier', async () => {
    const kept = randomHex(32);
    await send([{ traceId: kept, name: 'POST /api/checkout', attributes: { 'user.tier': 'vip' } }]);
    await waitForTrace(collector.tracesFile, kept, (spans) => spans.length === 1);
    await evict();
    await send([{ traceId: kept, name: 'late browser span' }]);
    await waitForTrace(collector.tracesFile, kept, (spans) => spans.length === 2);
  });
});
