import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, ROOT } from '../../scripts/lib/paths.js';
import { ensureCollector } from '../../scripts/setup/collector.js';
import { freePort } from '../../scripts/stack/ports.js';
import { startService, type RunningService } from '../../scripts/stack/service.js';

export interface BenchCollector {
  /** OTLP/HTTP base URL. */
  url: string;
  tracesFile: string;
  stop(): Promise<void>;
}

/** A run folder under .data/bench/ for logs and collector output. */
export function benchRunDir(name: string): string {
  const dir = join(DATA_DIR, 'bench', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The project's collector build, alone, on free ports, with the shipped config and the test overlay (1 s decision wait). */
export async function startBenchCollector(runDir: string): Promise<BenchCollector> {
  const binary = await ensureCollector();
  const [http, grpc, health] = [await freePort(), await freePort(), await freePort()];
  const tracesFile = join(runDir, 'traces.jsonl');
  const service: RunningService = await startService({
    name: 'collector',
    command: binary,
    args: ['--config', join(ROOT, 'collector/config.yaml'), '--config', join(ROOT, 'collector/config.test.yaml')],
    env: {
      ...process.env,
      COLLECTOR_HTTP_PORT: String(http),
      COLLECTOR_GRPC_PORT: String(grpc),
      COLLECTOR_HEALTH_PORT: String(health),
      JOURNEYTRACE_TRACES_FILE: tracesFile,
      JOURNEYTRACE_APP_ORIGIN: 'http://127.0.0.1:1',
      JOURNEYTRACE_APP_ORIGIN_ALT: 'http://localhost:1',
      JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100',
    },
    logFile: join(runDir, 'collector.log'),
    readyUrl: `http://127.0.0.1:${health}`,
  });
  return { url: `http://127.0.0.1:${http}`, tracesFile, stop: () => service.stop() };
}

type OtlpLine = {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string }> }>;
  }>;
};

/** Every span in a collector file output (OTLP JSON lines) as [trace id, service name]; a partial last line is skipped. */
function* spansIn(tracesFile: string): Generator<[traceId: string, service: string]> {
  if (!existsSync(tracesFile)) return;
  for (const line of readFileSync(tracesFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let batch: OtlpLine;
    try {
      batch = JSON.parse(line) as OtlpLine;
    } catch {
      continue;
    }
    for (const resourceSpans of batch.resourceSpans ?? []) {
      const service = resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '?';
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) yield [span.traceId, service];
      }
    }
  }
}

/** Spans per trace id in a collector file output. */
export function spansByTrace(tracesFile: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [traceId] of spansIn(tracesFile)) counts.set(traceId, (counts.get(traceId) ?? 0) + 1);
  return counts;
}

/** The services of one trace with their span counts, e.g. `edge-worker 2, checkout-api 2`. */
export function servicesOfTrace(tracesFile: string, traceId: string): string {
  const counts = new Map<string, number>();
  for (const [id, service] of spansIn(tracesFile)) if (id === traceId) counts.set(service, (counts.get(service) ?? 0) + 1);
  return [...counts].map(([service, count]) => `${service} ${count}`).join(', ');
}

/** Polls `check` until it returns true or `timeoutMillis` passes; returns the last result. */
export async function waitFor(check: () => boolean, timeoutMillis: number, intervalMillis = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMillis));
  }
  return check();
}
