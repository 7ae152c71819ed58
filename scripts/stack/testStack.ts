import { join } from 'node:path';
import { DATA_DIR, ROOT } from '../lib/paths.js';
import { ensureCollector } from '../setup/collector.js';
import { freeStackPorts } from './ports.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

export interface TestStackOptions extends Pick<StackOptions, 'collectorEnv' | 'edgeConformance' | 'edgeVars' | 'echo' | 'otlpEndpoint'> {
  /** Names the run's folder under `.data/test-runs/`. */
  name?: string;
}

/**
 * The whole journey on free ports (so it runs beside a demo or another run), with the
 * collector's test overlay (quick decisions), its files in a run folder of its own; or, with
 * `otlpEndpoint`, no collector at all: every service exports there (the Playwright kit's receiver).
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<Stack> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(DATA_DIR, 'test-runs', `${stamp}-${process.pid}${options.name ? `-${options.name}` : ''}`);
  return startStack({
    ports: await freeStackPorts(),
    runDir,
    tracesFile: join(runDir, 'collector', 'traces.jsonl'),
    ...(options.otlpEndpoint
      ? { otlpEndpoint: options.otlpEndpoint }
      : { collectorBin: await ensureCollector(), collectorConfigs: [join(ROOT, 'collector/config.yaml'), join(ROOT, 'collector/config.test.yaml')] }),
    collectorEnv: options.collectorEnv,
    edgeConformance: options.edgeConformance,
    edgeVars: options.edgeVars,
    echo: options.echo,
  });
}
