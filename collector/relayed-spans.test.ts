/**
 * A browser cannot make the tail sampler keep a journey. Anyone can post spans to the edge
 * relay, which forwards them with `journeytrace.relayed=true` on their resource; the `errors`
 * and `slow-requests` policies judge only spans without that mark. So a forged browser-only
 * ERROR or slow batch is dropped, a browser ERROR riding on an ordinary journey does not lift
 * it, and a real server-side error or slow span keeps its journey whole, browser spans included.
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
const runDir = join(DATA_DIR, 'test-runs', `collector-relayed-spans-${process.pid}`);
const pastDecision = () => new Promise((resolve) => setTimeout(resolve, 2_500));

describe('tail sampling judges errors and latency on server-side spans only', () => {
  let collector: RunningCollector;

  before(async () => {
    collector = await runCollector({
      name: 'relayed-spans',
      runDir,
      configs: [join(here, 'config.yaml'), join(here, 'config.test.yaml')],
      env: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '0' },
    });
  });
  after(async () => {
    await collector?.stop();
  });

  /** Sends as the edge relay forwards a page's spans: its browser resource, marked relayed. */
  async function sendRelayed(specs: SpanSpec[]): Promise<void> {
    const sender = createSpanSender({ serviceName: 'shop-web', resourceAttributes: { 'journeytrace.relayed': true }, collectorUrl: collector.httpUrl });
    sender.send(specs);
    await sender.shutdown();
  }
  async function sendServerSide(specs: SpanSpec[]): Promise<void> {
    const sender = createSpanSender({ serviceName: 'checkout-api', collectorUrl: collector.httpUrl });
    sender.send(specs);
    await sender.shutdown();
  }
  const keptOf = async (traceId: string) => (await readKeptSpans(collector.tracesFile)).filter((span) => span.traceId === traceId);

  it('drops forged browser-only ERROR and slow batches, and an ordinary journey a browser ERROR rides on; keeps real server-side errors and slowness whole', async () => {
    const forgedError = randomHex(32);
    const forgedSlow = randomHex(32);
    const ordinary = randomHex(32);
    const serverError = randomHex(32);
    const serverSlow = randomHex(32);
    await sendRelayed([
      { traceId: forgedError, name: 'checkout', error: true },
      { traceId: forgedSlow, name: 'checkout', durationMillis: 600_000 },
      { traceId: ordinary, name: 'checkout', error: true, durationMillis: 60_000 },
      { traceId: serverError, name: 'checkout' },
      { traceId: serverSlow, name: 'checkout' },
    ]);
    await sendServerSide([
      { traceId: ordinary, name: 'POST /checkout', durationMillis: 20 },
      { traceId: serverError, name: 'POST /checkout', error: true },
      { traceId: serverSlow, name: 'POST /checkout', durationMillis: 600 },
    ]);

    const serverErrorSpans = await waitForTrace(collector.tracesFile, serverError, (spans) => spans.length === 2);
    assert.deepEqual(serverErrorSpans.map((span) => span.service).sort(), ['checkout-api', 'shop-web'], 'kept whole, its browser span included');
    await waitForTrace(collector.tracesFile, serverSlow, (spans) => spans.length === 2);
    await pastDecision();
    assert.deepEqual(await keptOf(forgedError), [], 'a browser-only ERROR batch');
    assert.deepEqual(await keptOf(forgedSlow), [], 'a browser-only 10-minute span');
    assert.deepEqual(await keptOf(ordinary), [], 'an ok, fast journey with a browser ERROR and a long browser span');
  });

  it('still keeps a journey whose server-side span has ERROR status when it is not marked relayed, whatever its service name', async () => {
    // The mark, not the name, decides: the relay pins browser names, and the edge's own spans
    // (from workerd, telemetry.sdk.language=webjs) are server-side.
    const edgeError = randomHex(32);
    const sender = createSpanSender({ serviceName: 'edge-worker', resourceAttributes: { 'telemetry.sdk.language': 'webjs' }, collectorUrl: collector.httpUrl });
    sender.send([{ traceId: edgeError, name: 'POST /api/checkout', error: true }]);
    await sender.shutdown();
    await waitForTrace(collector.tracesFile, edgeError, (spans) => spans.length === 1);
  });
});
