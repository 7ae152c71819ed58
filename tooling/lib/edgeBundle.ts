/**
 * `wrangler deploy --dry-run`: bundles a worker exactly as a deploy would, without deploying,
 * and reads what went in from esbuild's metafile.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packageCopies } from './packageCopies.js';
import { ROOT } from './paths.js';
import { lastLines, run } from './run.js';

export interface EdgeBundle {
  /** The bundled worker (one ES module), as `wrangler deploy` would upload it. */
  script: string;
  bytes: number;
  gzipBytes: number;
  /** Node built-ins the bundle imports (each needs a compatibility flag). */
  nodeImports: string[];
  /** Package folders each bundled package came from (`hono` -> `node_modules/hono`): one each means no duplicates. */
  packageCopies: Map<string, Set<string>>;
}

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports?: Array<{ path: string; external?: boolean }> }>;
}

/**
 * Runs the dry run in `cwd` (which has the wrangler config, or pass `args` with a script and
 * `--name`/`--compatibility-date`). Throws with wrangler's output when the build fails.
 */
export async function dryRunBundle(options: { cwd: string; args?: string[]; minify?: boolean }): Promise<EdgeBundle> {
  const outdir = mkdtempSync(join(tmpdir(), 'jt-edge-bundle-'));
  try {
    const result = await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/wrangler/bin/wrangler.js'),
        'deploy',
        '--dry-run',
        '--outdir',
        outdir,
        '--metafile',
        join(outdir, 'meta.json'),
        ...(options.minify ? ['--minify'] : []),
        ...(options.args ?? []),
      ],
      { cwd: options.cwd, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, logFile: join(outdir, 'wrangler.log') },
    );
    if (result.code !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${lastLines(result.output)}`);
    // Named after the entry (worker.js for src/worker.ts).
    const script = readdirSync(outdir).find((name) => name.endsWith('.js'));
    if (!script) throw new Error(`wrangler deploy --dry-run wrote no script:\n${lastLines(result.output)}`);
    const code = readFileSync(join(outdir, script));
    const meta = JSON.parse(readFileSync(join(outdir, 'meta.json'), 'utf8')) as Metafile;
    const nodeImports = new Set<string>();
    for (const output of Object.values(meta.outputs)) {
      for (const imported of output.imports ?? []) if (imported.path.startsWith('node:')) nodeImports.add(imported.path);
    }
    return {
      script: code.toString('utf8'),
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      nodeImports: [...nodeImports].sort(),
      packageCopies: packageCopies(Object.keys(meta.inputs)),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
