import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ROOT } from './paths.js';

/** Where the script-tag build of the web SDK is written, and where the demo app serves it. */
export const SCRIPT_TAG_FILE = join(ROOT, 'web-sdk/dist/journeytrace.iife.js');
const DEMO_COPY = join(ROOT, 'demo-app/dist/journeytrace.iife.js');

/**
 * The web SDK as one self-contained, minified IIFE (`window.journeytrace`) for pages without a
 * bundler; copied into the demo app's build so its plain HTML page can load it.
 */
export async function buildScriptTag(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'web-sdk/src/scriptTag/index.ts')],
    outfile: SCRIPT_TAG_FILE,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2017',
    platform: 'browser',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  mkdirSync(join(ROOT, 'demo-app/dist'), { recursive: true });
  copyFileSync(SCRIPT_TAG_FILE, DEMO_COPY);
}

// The web SDK's own `npm run build` (and so `npm pack`) runs this file after tsc.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await buildScriptTag();
