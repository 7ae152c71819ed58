/**
 * Starts the whole journey once for the run, on free ports (so a running demo is no obstacle),
 * with the collector's test overlay, and tells the tests where it is through the environment.
 */
import { ensureToolchain } from '../../scripts/setup/index.js';
import { startTestStack } from '../../scripts/stack/testStack.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  await ensureToolchain({ chromium: true });
  const stack = await startTestStack({ edgeConformance: true });
  process.env.JOURNEYTRACE_APP_URL = stack.urls.app;
  process.env.JOURNEYTRACE_EDGE_URL = stack.urls.edge;
  process.env.JOURNEYTRACE_COLLECTOR_URL = stack.urls.collector;
  process.env.JOURNEYTRACE_TRACES_FILE = stack.tracesFile;
  process.env.JOURNEYTRACE_METRICS_FILE = stack.metricsFile;
  process.env.JOURNEYTRACE_RUN_DIR = stack.runDir;
  return () => stack.stop();
}
