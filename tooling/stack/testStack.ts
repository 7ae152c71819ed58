import { join } from 'node:path';
import { DATA_DIR } from '../lib/paths.js';
import { ensureCollector } from '../setup/collector.js';
import { localCollector } from './collectorConfigs.js';
import { freeStackPorts } from './freeStackPorts.js';
import { startStack, type Stack, type StackOptions } from './stack.js';

export interface TestStackOptions extends Pick<StackOptions, 'collectorEnv' | 'edgeConformance' | 'edgeVars' | 'echo' | 'collectorToken' | 'otlpEndpoint'> {
  /** Names the run's folder under `.data/test-runs/`. */
  name?: string;
}

/**
 * The whole journey on free ports (so it runs beside a demo or another run), with the
 * collector's test overlay (quick decisions), its files in a run folder of its own. With
 * `collectorToken`, the collector requires it, as in production, and every hop sends it. With
 * `otlpEndpoint`, no collector at all: every service exports there (the Playwright kit's receiver).
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<Stack> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = join(DATA_DIR, 'test-runs', `${stamp}-${process.pid}${options.name ? `-${options.name}` : ''}`);
  const collector = localCollector({ authenticated: options.collectorToken !== undefined });
  return startStack({
    ports: await freeStackPorts(),
    runDir,
    tracesFile: join(runDir, 'collector', 'traces.jsonl'),
    ...(options.otlpEndpoint
      ? { otlpEndpoint: options.otlpEndpoint, collectorEnv: options.collectorEnv }
      : { collectorBin: await ensureCollector(), collectorConfigs: collector.configs, collectorEnv: { ...collector.env, ...options.collectorEnv } }),
    collectorToken: options.collectorToken,
    edgeConformance: options.edgeConformance,
    edgeVars: options.edgeVars,
    echo: options.echo,
  });
}
