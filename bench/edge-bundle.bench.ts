/**
 * Edge worker bundle size, as `wrangler deploy` would ship it (`--dry-run --minify`, gzip 9):
 * the demo edge worker from its wrangler.toml, and a checkout-only Hono app with `traceCors()`
 * and `trace()`, each against the same checkout-only Hono app without tracing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dryRunBundle } from '@journeytrace/tooling/lib/edgeBundle.js';
import { DATA_DIR, ROOT } from '@journeytrace/tooling/lib/paths.js';
import type { BenchSection } from './types.js';

const checkoutRoute = (fetchExpression: string) => `
app.post('/api/checkout', async (c) => {
  const response = await ${fetchExpression}(new URL('/checkout', c.env.ORIGIN_URL), { method: 'POST', body: await c.req.text() });
  return new Response(response.body, { status: response.status, headers: { 'content-type': 'application/json' } });
});
export default app;
`;

const UNTRACED = `import { Hono } from 'hono';
import { cors } from 'hono/cors';
const app = new Hono();
app.use(cors({ origin: (origin) => origin }));
${checkoutRoute('fetch')}`;

const TRACED = `import { Hono } from 'hono';
import { trace, traceCors } from '@journeytrace/edge';
const app = new Hono();
app.use(traceCors({ origins: (c) => [c.env.ALLOWED_ORIGINS] }));
app.use(trace((env) => ({ propagateTo: [env.ORIGIN_URL] })));
${checkoutRoute('c.var.tracedFetch')}`;

export default async function edgeBundle(): Promise<BenchSection> {
  // Under the repository, so 'hono' and '@journeytrace/edge' resolve from its node_modules.
  mkdirSync(join(DATA_DIR, 'bench'), { recursive: true });
  const dir = mkdtempSync(join(DATA_DIR, 'bench', 'edge-bundle-'));
  try {
    const entry = (name: string, source: string) => {
      writeFileSync(join(dir, name), source);
      // The script first: --compatibility-flags takes a list and would swallow it.
      return [name, '--name', 'bench', '--compatibility-date', '2026-11-30', '--compatibility-flags', 'nodejs_als'];
    };
    const untraced = await dryRunBundle({ cwd: dir, args: entry('untraced.ts', UNTRACED), minify: true });
    const traced = await dryRunBundle({ cwd: dir, args: entry('traced.ts', TRACED), minify: true });
    const demo = await dryRunBundle({ cwd: join(ROOT, 'demo-app/edge'), minify: true });
    const kib = (bytes: number) => bytes / 1024;
    const version = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
    const anchor = 'checkout-only Hono app, untraced';
    return {
      title: 'Edge worker bundle size (wrangler deploy --dry-run --minify, gzip)',
      command: 'npm run bench -- edge-bundle',
      versions: `@journeytrace/edge ${version('@journeytrace/edge')}; hono ${version('hono')}; wrangler ${version('wrangler')}`,
      rows: [
        {
          figure: 'checkout-only Hono app with traceCors() + trace()',
          value: kib(traced.gzipBytes),
          unit: 'KiB gz',
          anchor,
          anchorValue: kib(untraced.gzipBytes),
        },
        {
          figure: 'demo edge worker as deployed (all routes, relay, queue, sign-in)',
          value: kib(demo.gzipBytes),
          unit: 'KiB gz',
          anchor,
          anchorValue: kib(untraced.gzipBytes),
        },
      ],
      notes: [
        `Minified sizes before gzip: untraced ${kib(untraced.bytes).toFixed(1)} KiB, traced ${kib(traced.bytes).toFixed(1)} KiB, demo ${kib(demo.bytes).toFixed(1)} KiB.`,
        `Node built-ins in the demo bundle: ${demo.nodeImports.join(', ') || 'none'} (the nodejs_als flag); @opentelemetry/api copies: ${demo.packageCopies.get('@opentelemetry/api')?.size ?? 0}.`,
        'Sizes are deterministic for a given lockfile; each is one build.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
