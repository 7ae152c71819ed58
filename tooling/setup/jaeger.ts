/**
 * Jaeger (the v2 line, built from the same collector modules) for the Playwright kit's Jaeger
 * source test: `JAEGER_BIN`, else the build cached under `.cache/jaeger/<version>`, else a fresh
 * build with Go. Jaeger's module has `replace` directives, so `go install pkg@version` refuses it;
 * `go get -tool` in a module of our own resolves it (as KNOWN-GOOD notes), then `go build`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { progress, SetupError } from '../lib/log.js';
import { CACHE_DIR } from '../lib/paths.js';
import { lastLines, run } from '../lib/run.js';
import { acquireLock, findGo } from './collector.js';

export const JAEGER_VERSION = 'v1.75.0';
const PACKAGE = 'github.com/jaegertracing/jaeger/cmd/jaeger';

export async function ensureJaeger(): Promise<string> {
  const fromEnv = process.env.JAEGER_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new SetupError(`JAEGER_BIN=${fromEnv} does not exist.`);
    return fromEnv;
  }
  const buildDir = join(CACHE_DIR, 'jaeger', JAEGER_VERSION);
  const binary = join(buildDir, 'jaeger');
  if (existsSync(binary)) return binary;
  const go = findGo();
  if (!go) throw new SetupError('Jaeger is not built and Go is not installed: install Go (https://go.dev/dl) or set JAEGER_BIN to a Jaeger v2 binary.');
  mkdirSync(buildDir, { recursive: true });
  const release = await acquireLock(join(buildDir, '.lock'));
  try {
    if (existsSync(binary)) return binary;
    progress(`building Jaeger ${JAEGER_VERSION} (first run only, several minutes)…`);
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', PATH: `${join(go, '..')}${delimiter}${process.env.PATH ?? ''}` };
    const logFile = join(buildDir, 'build.log');
    if (!existsSync(join(buildDir, 'go.mod'))) writeFileSync(join(buildDir, 'go.mod'), 'module jaegerbuild\n\ngo 1.24\n');
    const get = await run(go, ['get', '-tool', `${PACKAGE}@${JAEGER_VERSION}`], { cwd: buildDir, env, logFile });
    if (get.code !== 0) throw new SetupError(`could not fetch Jaeger's modules (log: ${logFile}):\n${lastLines(get.output)}`);
    const build = await run(go, ['build', '-ldflags=-s -w', '-o', binary, PACKAGE], { cwd: buildDir, env, logFile });
    if (build.code !== 0 || !existsSync(binary)) throw new SetupError(`the Jaeger build failed (log: ${logFile}):\n${lastLines(build.output)}`);
    progress(`Jaeger built: ${binary}`);
    return binary;
  } finally {
    release();
  }
}
