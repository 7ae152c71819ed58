import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readKeptSpans } from '@journeytrace/playwright/collector-output';
import { runCollector, type RunningCollector } from '../../collector/support/runCollector.js';
import { DATA_DIR, ROOT } from '../lib/paths.js';
import { ensureCollector } from '../setup/collector.js';

/** A run folder under .data/bench/ for logs and collector output. */
export function benchRunDir(name: string): string {
  const dir = join(DATA_DIR, 'bench', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The project's collector build, alone, on free ports, with the shipped config and the test overlay (1 s decision wait). */
export async function startBenchCollector(runDir: string): Promise<RunningCollector> {
  process.env.OTELCOL_BIN ??= await ensureCollector();
  return runCollector({
    name: 'collector',
    configs: [join(ROOT, 'collector/config.yaml'), join(ROOT, 'collector/config.test.yaml')],
    runDir,
    env: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' },
  });
}

/** Spans per trace id in a collector file output. */
export async function spansByTrace(tracesFile: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { traceId } of await readKeptSpans(tracesFile)) counts.set(traceId, (counts.get(traceId) ?? 0) + 1);
  return counts;
}

/** The services of one trace with their span counts, e.g. `edge-worker 2, checkout-api 2`. */
export async function servicesOfTrace(tracesFile: string, traceId: string): Promise<string> {
  const counts = new Map<string, number>();
  for (const span of await readKeptSpans(tracesFile)) if (span.traceId === traceId) counts.set(span.service, (counts.get(span.service) ?? 0) + 1);
  return [...counts].map(([service, count]) => `${service} ${count}`).join(', ');
}

/** Polls `check` until it holds or `timeoutMillis` passes; returns the last result. */
export async function waitFor(check: () => Promise<boolean>, timeoutMillis: number, intervalMillis = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMillis));
  }
  return check();
}
