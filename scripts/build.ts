import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { progress } from '@journeytrace/tooling/lib/log.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { lastLines, run } from '@journeytrace/tooling/lib/run.js';
import { buildScriptTag } from '@journeytrace/tooling/lib/buildScriptTag.js';

/** The packages tsc builds into `<package>/dist` (their `files`: what npm packs). */
export const PACKAGES_BUILT_BY_TSC = ['contract', 'web-sdk', 'edge-worker', 'node-sdk', 'test/playwright-kit'] as const;

/** Builds the packages (contract, web SDK, edge middleware, Node package, Playwright kit: tsc) and what the journey serves (the demo app, vite). */
export async function buildAll(): Promise<void> {
  mkdirSync(join(ROOT, '.data'), { recursive: true });
  // tsc never deletes what it wrote before: a moved or deleted module would stay in dist, importable and packed.
  for (const folder of PACKAGES_BUILT_BY_TSC) rmSync(join(ROOT, folder, 'dist'), { recursive: true, force: true });
  const steps: Array<[string, string[], string]> = [
    // The wire contract first: every other package imports it from its dist.
    ['contract', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'contract/tsconfig.build.json'], ROOT],
    ['web-sdk', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'web-sdk/tsconfig.json'], ROOT],
    // The repo's workers, services, journey tests and demo import the packages as their users do: from dist.
    ['edge', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'edge-worker/tsconfig.build.json'], ROOT],
    ['node-sdk', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'node-sdk/tsconfig.build.json'], ROOT],
    ['playwright-kit', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'test/playwright-kit/tsconfig.build.json'], ROOT],
    // The config imports TypeScript from workspace packages: load it with Vite's module runner.
    ['demo-app', [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--configLoader', 'runner', '--logLevel', 'warn'], join(ROOT, 'demo-app')],
  ];
  for (const [name, args, cwd] of steps) {
    const result = await run(process.execPath, args, { cwd, logFile: join(ROOT, '.data', `build-${name}.log`) });
    if (result.code !== 0) throw new Error(`building ${name} failed:\n${lastLines(result.output)}`);
  }
  await buildScriptTag();
  progress('built contract, web-sdk, edge, node-sdk, playwright kit and demo-app');
}

// `npm run build` (through bootstrap.mjs) runs this file itself; test.ts and demo.ts import it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildAll();
