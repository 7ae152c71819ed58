/**
 * The competitors the benchmarks compare against live in bench/anchors/<name>/, each its own
 * npm project with a committed lockfile. They stay out of the workspaces on purpose: each brings
 * its own @opentelemetry copies, which must not leak into the kit's single copy.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { progress } from '../lib/log.js';
import { ROOT } from '../lib/paths.js';
import { lastLines, run } from '../lib/run.js';

export type AnchorName = 'honeycomb' | 'faro' | 'edge' | 'stock-web';

/** The folder of an anchor project, installed (`npm ci`, exact lockfile) on first use. */
export async function ensureAnchor(name: AnchorName): Promise<string> {
  const dir = join(ROOT, 'bench', 'anchors', name);
  const lockHash = createHash('sha256')
    .update(readFileSync(join(dir, 'package-lock.json')))
    .digest('hex');
  const stamp = join(dir, 'node_modules', '.journeytrace-lock-hash');
  const installed = () => existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash;
  if (installed()) return dir;
  // Two bench runs started together install once: `npm ci` empties node_modules first.
  const lock = join(dir, '.install.lock');
  const deadline = Date.now() + 5 * 60_000;
  while (!tryMkdir(lock)) {
    if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  try {
    if (installed()) return dir;
    progress(`installing the ${name} anchor packages (bench/anchors/${name}, first run only)…`);
    const result = await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], { cwd: dir, logFile: join(lock, 'npm.log') });
    if (result.code !== 0) throw new Error(`npm ci in bench/anchors/${name} failed:\n${lastLines(result.output)}`);
    writeFileSync(stamp, lockHash);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function tryMkdir(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The installed version of `pkg` as seen from `dir` (an anchor folder or the repository root). */
export function installedVersion(dir: string, pkg: string): string {
  return (JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A scratch folder inside `dir` (so bare imports resolve from its node_modules), removed by the caller. */
export function scratchDir(dir: string, label: string): { path: string; remove(): void } {
  const path = join(dir, `.scratch-${label}-${process.pid}`);
  mkdirSync(path, { recursive: true });
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
