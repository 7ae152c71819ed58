/**
 * `npm run collector:build -- --out DIR`: the kit's collector for use outside this repository.
 * Builds `collector/manifest.yaml` with Go (or reuses the cached build) and copies the binary,
 * `otelcol-journeytrace`, and the collector's YAML configs into DIR.
 */
import { chmodSync, copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BINARY_NAME, builtCollector } from '@journeytrace/tooling/setup/collector.js';
import { progress, SetupError } from '@journeytrace/tooling/lib/log.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';

const USAGE = 'usage: npm run collector:build -- --out DIR';

/** The `--out` directory of the command line (`--out DIR` or `--out=DIR`), resolved against the caller's directory. */
export function outputDirOf(args: readonly string[], cwd: string): string {
  const at = args.findIndex((arg) => arg === '--out' || arg.startsWith('--out='));
  const value = at < 0 ? undefined : args[at]!.startsWith('--out=') ? args[at]!.slice('--out='.length) : args[at + 1];
  if (!value || value.startsWith('--')) throw new SetupError(`--out DIR is required (${USAGE})`);
  return resolve(cwd, value);
}

async function main(): Promise<void> {
  // npm runs scripts in the package's root; INIT_CWD is where the user typed the command.
  const outDir = outputDirOf(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  const binary = await builtCollector();
  mkdirSync(outDir, { recursive: true });
  copyFileSync(binary, join(outDir, BINARY_NAME));
  chmodSync(join(outDir, BINARY_NAME), 0o755);
  const configs = readdirSync(join(ROOT, 'collector')).filter((name) => name.endsWith('.yaml') && name !== 'manifest.yaml');
  for (const name of configs) copyFileSync(join(ROOT, 'collector', name), join(outDir, name));
  progress(`${join(outDir, BINARY_NAME)} and ${configs.join(', ')}; run: ${join(outDir, BINARY_NAME)} --config ${join(outDir, 'config.yaml')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`journeytrace: ${error instanceof SetupError ? error.message : error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
}
