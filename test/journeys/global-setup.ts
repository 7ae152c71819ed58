/**
 * Starts the whole journey once for the run, on free ports (so a running demo is no obstacle),
 * with the collector's test overlay, and tells the tests where it is through the environment.
 * With `JOURNEYTRACE_TRACE_SOURCE=receiver`, no collector: the kit's OTLP receiver starts here and
 * every service exports to it; `journey.trace()` reads from it (`JOURNEYTRACE_RECEIVER_URL`).
 * Specs that read the collector's files themselves (sampling, metrics) need the collector mode.
 */
import { startGlobalOtlpReceiver } from '@journeytrace/playwright';
import { ensureToolchain } from '@journeytrace/tooling/setup/index.js';
import { startTestStack } from '@journeytrace/tooling/stack/testStack.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const withReceiver = process.env.JOURNEYTRACE_TRACE_SOURCE === 'receiver';
  await ensureToolchain({ chromium: true, collector: !withReceiver });
  const stopReceiver = withReceiver ? await startGlobalOtlpReceiver() : undefined;
  const stack = await startTestStack({ edgeConformance: true, otlpEndpoint: withReceiver ? process.env.JOURNEYTRACE_RECEIVER_URL : undefined });
  process.env.JOURNEYTRACE_APP_URL = stack.urls.app;
  process.env.JOURNEYTRACE_EDGE_URL = stack.urls.edge;
  process.env.JOURNEYTRACE_COLLECTOR_URL = stack.urls.collector;
  process.env.JOURNEYTRACE_TRACES_FILE = stack.tracesFile;
  process.env.JOURNEYTRACE_METRICS_FILE = stack.metricsFile;
  process.env.JOURNEYTRACE_RUN_DIR = stack.runDir;
  return async () => {
    await stack.stop();
    await stopReceiver?.();
  };
}
