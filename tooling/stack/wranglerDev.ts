import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ROOT } from '../lib/paths.js';
import { freePort } from './ports.js';
import { startService, type RunningService } from './service.js';

export interface WranglerDevOptions {
  /** Service name in logs. */
  name: string;
  /** Folder holding the worker's wrangler.toml. */
  cwd: string;
  /** Folder for the log and the local state (queues, caches). */
  runDir: string;
  /** `--var` bindings. */
  vars?: Record<string, string>;
  /**
   * Further Workers to run in the same `wrangler dev` (their wrangler.toml paths), reachable
   * from the first one through service bindings; only the first one serves `url`.
   */
  moreConfigs?: readonly string[];
  /** Serve `/__scheduled?cron=...`, which runs the worker's `scheduled()` handler (`--test-scheduled`). */
  testScheduled?: boolean;
}

/** A running worker and its base URL. */
export type RunningWorker = RunningService & { readonly url: string };

/** A worker under `wrangler dev` (real workerd) on free ports, ready when `/health` answers. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<RunningWorker> {
  mkdirSync(options.runDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = await startService({
    name: options.name,
    command: process.execPath,
    args: [
      join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(await freePort()),
      '--show-interactive-dev-session=false',
      '--persist-to',
      join(options.runDir, 'wrangler-state'),
      ...(options.testScheduled ? ['--test-scheduled'] : []),
      ...(options.moreConfigs?.length ? ['-c', 'wrangler.toml', ...options.moreConfigs.flatMap((config) => ['-c', config])] : []),
      ...Object.entries(options.vars ?? {}).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
    ],
    cwd: options.cwd,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    logFile: join(options.runDir, `${options.name}.log`),
    readyUrl: `${url}/health`,
    readyTimeoutMillis: 60_000,
  });
  return Object.assign(service, { url });
}

/**
 * A copy of a further Worker's wrangler.toml, written into `runDir`, with its `main` made absolute
 * and `vars` added to its `[vars]`: in a multi-config `wrangler dev`, `--var` reaches only the
 * first Worker, so the others get theirs (e.g. the collector's address) this way. Answers the
 * copy's path, for `-c`.
 */
export function configWithVars(config: string, runDir: string, vars: Record<string, string>): string {
  const source = readFileSync(config, 'utf8');
  const lines = Object.entries(vars)
    .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
    .join('\n');
  const withMain = source.replace(/^main = "([^"]+)"/m, (_line, main: string) => `main = ${JSON.stringify(resolve(dirname(config), main))}`);
  const copy = /^\[vars\]$/m.test(withMain) ? withMain.replace(/^\[vars\]$/m, `[vars]\n${lines}`) : `${withMain}\n[vars]\n${lines}\n`;
  mkdirSync(runDir, { recursive: true });
  const path = join(runDir, `${basename(dirname(resolve(config)))}.wrangler.toml`);
  writeFileSync(path, copy);
  return path;
}
