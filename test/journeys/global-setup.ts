/**
 * Starts the whole journey once for the run, on free ports (so a running demo is no obstacle),
 * with the collector's test overlay, and tells the tests where it is through the environment.
 */
import { join } from 'node:path';
import { ensureToolchain } from '../../scripts/setup/index.js';
import { DATA_DIR, ROOT } from '../../scripts/lib/paths.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startStack } from '../../scripts/stack/stack.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const { collector } = await ensureToolchain({ chromium: true });
  const runDir = join(DATA_DIR, 'test-runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  const ports = {
    app: await freePort(),
    edge: await freePort(),
    edgeInspector: await freePort(),
    origin: await freePort(),
    inventory: await freePort(),
    ordersQueue: await freePort(),
    payment: await freePort(),
    ordersWorker: await freePort(),
    collectorHttp: await freePort(),
    collectorGrpc: await freePort(),
    collectorHealth: await freePort(),
  };
  const stack = await startStack({
    ports,
    runDir,
    tracesFile: join(runDir, 'collector', 'traces.jsonl'),
    collectorBin: collector,
    collectorConfigs: [join(ROOT, 'collector/config.yaml'), join(ROOT, 'collector/config.test.yaml')],
    edgeConformance: true,
  });
  process.env.JOURNEYTRACE_APP_URL = stack.urls.app;
  process.env.JOURNEYTRACE_EDGE_URL = stack.urls.edge;
  process.env.JOURNEYTRACE_COLLECTOR_URL = stack.urls.collector;
  process.env.JOURNEYTRACE_TRACES_FILE = stack.tracesFile;
  process.env.JOURNEYTRACE_RUN_DIR = runDir;
  process.env.JOURNEYTRACE_METRICS_FILE = stack.metricsFile;
  return () => stack.stop();
}
