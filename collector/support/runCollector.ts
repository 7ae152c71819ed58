/**
 * Runs the built collector on free ports for a test or a benchmark: the configs given (merged
 * in order), its own traces file, ready once its health check answers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@journeytrace/tooling/stack/ports.js';
import { startService } from '@journeytrace/tooling/stack/service.js';

export interface RunCollectorOptions {
  /** Shows in logs and names the traces file. */
  name: string;
  /** Paths of the configs, merged in order. */
  configs: string[];
  /** Folder for the traces file and the log. */
  runDir: string;
  /** Extra environment over the ports and paths set here. */
  env?: NodeJS.ProcessEnv;
}

export interface RunningCollector {
  /** OTLP/HTTP base URL (`…/v1/traces` receives). */
  readonly httpUrl: string;
  /** OTLP/gRPC `host:port`. */
  readonly grpcAddress: string;
  readonly tracesFile: string;
  readonly metricsFile: string;
  readonly logFile: string;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: no shutdown, nothing flushed. */
  kill(): Promise<void>;
  /** Starts it again after `stop` or `kill`, on the same ports, files and storage; resolves once ready. */
  start(): Promise<void>;
}

export async function runCollector(options: RunCollectorOptions): Promise<RunningCollector> {
  const binary = process.env.OTELCOL_BIN;
  if (!binary) throw new Error('OTELCOL_BIN is not set: run through `npm test` / `npm run bench`, which build the collector.');
  mkdirSync(options.runDir, { recursive: true });
  const [http, grpc, health] = [await freePort(), await freePort(), await freePort()];
  const tracesFile = join(options.runDir, `${options.name}.traces.jsonl`);
  const metricsFile = join(options.runDir, `${options.name}.metrics.jsonl`);
  const logFile = join(options.runDir, `${options.name}.log`);
  const storageDir = join(options.runDir, `${options.name}.storage`);
  // The collector appends to its files; a run starts with empty ones.
  for (const file of [tracesFile, metricsFile]) writeFileSync(file, '');
  const spec = {
    name: options.name,
    command: binary,
    args: options.configs.flatMap((config) => ['--config', config]),
    env: {
      ...process.env,
      COLLECTOR_HTTP_PORT: String(http),
      COLLECTOR_GRPC_PORT: String(grpc),
      COLLECTOR_HEALTH_PORT: String(health),
      COLLECTOR_LISTEN_HOST: '127.0.0.1',
      JOURNEYTRACE_TRACES_FILE: tracesFile,
      JOURNEYTRACE_METRICS_FILE: metricsFile,
      // Each instance's persistent sending queues apart (configs that have them).
      JOURNEYTRACE_STORAGE_DIR: storageDir,
      ...options.env,
    },
    logFile,
    readyUrl: `http://127.0.0.1:${health}`,
  };
  let service = await startService(spec);
  return {
    httpUrl: `http://127.0.0.1:${http}`,
    grpcAddress: `127.0.0.1:${grpc}`,
    tracesFile,
    metricsFile,
    logFile,
    stop: () => service.stop(),
    kill: () => service.kill(),
    start: async () => {
      service = await startService(spec);
    },
  };
}

/**
 * Runs a collector that should refuse to start; resolves to why it did (its error and last
 * output). One that starts anyway is stopped, and the promise rejects: a test fails, never hangs.
 */
export async function refusedStart(options: RunCollectorOptions): Promise<string> {
  let started: RunningCollector;
  try {
    started = await runCollector(options);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  await started.stop();
  throw new Error(`${options.name} started and took requests; it should have refused to start`);
}
