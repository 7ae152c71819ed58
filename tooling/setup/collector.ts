import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { progress, SetupError } from '../lib/log.js';
import { CACHE_DIR, ROOT } from '../lib/paths.js';
import { lastLines, run } from '../lib/run.js';

/** The OpenTelemetry Collector Builder release matching the manifest's modules. */
const BUILDER_VERSION = 'v0.161.0';
const MANIFEST = join(ROOT, 'collector', 'manifest.yaml');
export const BINARY_NAME = 'otelcol-journeytrace';

/**
 * The collector binary: `OTELCOL_BIN`, else the build cached under `.cache/collector/<key>`
 * (the key hashes the manifest and builder version), else a fresh build with Go.
 */
export async function ensureCollector(): Promise<string> {
  const fromEnv = process.env.OTELCOL_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new SetupError(`OTELCOL_BIN=${fromEnv} does not exist.`);
    return fromEnv;
  }
  return builtCollector();
}

/**
 * The kit's own collector, built from `collector/manifest.yaml`: the build cached under
 * `.cache/collector/<key>` (the key hashes the manifest and builder version), else a fresh build with Go.
 */
export async function builtCollector(): Promise<string> {
  const manifest = readFileSync(MANIFEST, 'utf8');
  const key = createHash('sha256').update(`${BUILDER_VERSION}\n${manifest}`).digest('hex').slice(0, 16);
  const buildDir = join(CACHE_DIR, 'collector', key);
  const binary = join(buildDir, 'build', BINARY_NAME);
  if (existsSync(binary)) return binary;

  const go = findGo();
  if (!go) {
    throw new SetupError('The collector is not built and Go is not installed: install Go (https://go.dev/dl) or set OTELCOL_BIN to an otelcol-contrib binary.');
  }
  mkdirSync(buildDir, { recursive: true });
  // Runs started together (tests beside a demo) build once: the others wait for the lock.
  const release = await acquireLock(join(buildDir, '.lock'));
  try {
    if (existsSync(binary)) return binary;
    return await buildCollector(go, manifest, buildDir, binary);
  } finally {
    release();
  }
}

async function buildCollector(go: string, manifest: string, buildDir: string, binary: string): Promise<string> {
  progress('building the OpenTelemetry Collector from collector/manifest.yaml (first run only, a few minutes)…');
  const toolsDir = join(CACHE_DIR, 'collector', 'tools');
  const env = { ...process.env, GOBIN: toolsDir, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', PATH: `${join(go, '..')}${delimiter}${process.env.PATH ?? ''}` };
  const builder = join(toolsDir, `builder-${BUILDER_VERSION}`);
  if (!existsSync(builder)) {
    const install = await run(go, ['install', `go.opentelemetry.io/collector/cmd/builder@${BUILDER_VERSION}`], {
      env,
      logFile: join(buildDir, 'builder-install.log'),
    });
    if (install.code !== 0) throw new SetupError(`could not install the collector builder:\n${lastLines(install.output)}`);
    await run('mv', [join(toolsDir, 'builder'), builder]);
  }
  // The builder writes next to its manifest's output_path; build from a copy in the cache.
  const cachedManifest = join(buildDir, 'manifest.yaml');
  writeFileSync(cachedManifest, manifest.replace(/output_path:.*/, `output_path: ${join(buildDir, 'build')}`));
  const build = await run(builder, ['--config', cachedManifest, '--ldflags=-s -w'], {
    cwd: buildDir,
    env,
    logFile: join(buildDir, 'build.log'),
  });
  if (build.code !== 0 || !existsSync(binary)) {
    throw new SetupError(`the collector build failed (log: ${join(buildDir, 'build.log')}):\n${lastLines(build.output)}`);
  }
  progress(`collector built: ${binary}`);
  return binary;
}

/** A lock across processes (a directory): runs started together build once, the others wait. */
export async function acquireLock(path: string): Promise<() => void> {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(path);
      return () => rmSync(path, { recursive: true, force: true });
    } catch {
      if (Date.now() > deadline) rmSync(path, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

/** Go from the PATH, `/usr/local/go/bin` or `~/go/bin`. */
export function findGo(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/go/bin', join(process.env.HOME ?? '', 'go', 'bin')];
  return dirs.map((dir) => join(dir, 'go')).find((candidate) => candidate !== 'go' && existsSync(candidate));
}
