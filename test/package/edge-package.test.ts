/**
 * `@journeytrace/edge` as a worker team gets it: `npm pack`ed, installed from the tarball into a
 * fresh worker project next to the oldest `hono` and `@opentelemetry/api` its peer ranges allow,
 * type-checked (strict) against the published declarations, bundled by `wrangler deploy
 * --dry-run`, and run in workerd, where the request's trace reaches the origin.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unstable_dev } from 'wrangler';
import { dryRunBundle } from '../../scripts/lib/edgeBundle.js';
import { ROOT } from '../../scripts/lib/paths.js';
import { run, lastLines } from '../../scripts/lib/run.js';

const PACKAGE_DIR = join(ROOT, 'edge-worker');
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
  exports: Record<string, { types: string; default: string }>;
};

/** The lowest version a peer range (`^1.9.0`, `>=1.9.0 <1.10.0`) admits. */
function lowestAllowed(range: string): string {
  const lowest = /^(?:\^|>=|~)?(\d+\.\d+\.\d+)/.exec(range)?.[1];
  if (!lowest) throw new Error(`cannot read the lower bound of ${range}`);
  return lowest;
}

const CONSUMER_WORKER = `import { Hono } from 'hono';
import { trace, traceCors, tracingFromEnv, type TraceBindings, type TraceVariables } from '@journeytrace/edge';
import { otlpRelay } from '@journeytrace/edge/relay';
import { tracedQueue, type QueueProducer } from '@journeytrace/edge/queue';

type Bindings = TraceBindings & { ORIGIN_URL: string; ORDERS?: QueueProducer };
const app = new Hono<{ Bindings: Bindings; Variables: TraceVariables }>();
app.use(traceCors({ origins: ['https://shop.example'] }));
app.post('/v1/traces', otlpRelay({ allowedOrigins: ['https://shop.example'] }));
app.use(trace((env) => ({ propagateTo: [(env as Bindings).ORIGIN_URL] })));

const api = new Hono<{ Bindings: Bindings; Variables: TraceVariables }>();
api.post('/checkout', async (c) => {
  if (c.env.ORDERS) {
    await tracedQueue(c.env.ORDERS, { name: 'orders', tracing: tracingFromEnv(c.env), executionCtx: c.executionCtx }).send({ order: 1 });
  }
  const response = await c.var.tracedFetch(new URL('/checkout', c.env.ORIGIN_URL), { method: 'POST', body: '{}' });
  c.var.span.setAttribute('shop.order.count', 1);
  return new Response(response.body, { status: response.status });
});
app.route('/api', api);
export default app;
`;

describe('@journeytrace/edge, packed and installed into a new worker project', () => {
  const project = mkdtempSync(join(tmpdir(), 'jt-edge-consumer-'));
  const peers = {
    hono: lowestAllowed(manifest.peerDependencies.hono ?? ''),
    '@opentelemetry/api': lowestAllowed(manifest.peerDependencies['@opentelemetry/api'] ?? ''),
  };
  let packedFiles: string[] = [];

  before(async () => {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', project], { cwd: PACKAGE_DIR, encoding: 'utf8' }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const tarball = packed[0]!.filename;
    packedFiles = packed[0]!.files.map((file) => file.path);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer-worker',
        private: true,
        type: 'module',
        dependencies: { '@journeytrace/edge': `file:./${tarball}`, ...peers },
      }),
    );
    // --strict-peer-deps: a peer range that does not admit these versions fails the install.
    const install = await run('npm', ['install', '--strict-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: project,
      logFile: join(project, 'npm-install.log'),
    });
    if (install.code !== 0) throw new Error(`npm install in the consumer project failed:\n${lastLines(install.output)}`);
    writeFileSync(join(project, 'worker.ts'), CONSUMER_WORKER);
    writeFileSync(
      join(project, 'wrangler.toml'),
      'name = "consumer-worker"\nmain = "worker.ts"\ncompatibility_date = "2026-04-20"\ncompatibility_flags = ["nodejs_als"]\n',
    );
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it('ships the built modules and their declarations, and no sources, tests or demo', () => {
    for (const entry of Object.values(manifest.exports)) {
      assert.ok(packedFiles.includes(entry.default.replace(/^\.\//, '')), `${entry.default} is in the package`);
      assert.ok(packedFiles.includes(entry.types.replace(/^\.\//, '')), `${entry.types} is in the package`);
    }
    assert.deepEqual(packedFiles.filter((file) => /^src\/|\.test\.|testSpans|capturedMetrics|worker\.js|\/demo\//.test(file)), []);
  });

  it('type-checks a worker written against it (strict, declarations only)', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          lib: ['es2022', 'dom', 'dom.iterable'],
          types: [],
        },
        files: ['worker.ts'],
      }),
    );
    const result = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: project,
      logFile: join(project, 'tsc.log'),
    });
    assert.equal(result.code, 0, result.output);
  });

  it(`bundles with the nodejs_als flag and one copy each of hono ${peers.hono} and @opentelemetry/api ${peers['@opentelemetry/api']}`, async () => {
    const bundle = await dryRunBundle({ cwd: project });
    assert.deepEqual(bundle.nodeImports, ['node:async_hooks']);
    for (const name of ['hono', '@opentelemetry/api']) {
      const copies = [...(bundle.packageCopies.get(name) ?? [])];
      assert.equal(copies.length, 1, `${name}: ${copies.join(', ')}`);
      // The worker's own copy, not one nested under the package.
      assert.equal(copies[0], `node_modules/${name}`);
    }
  });

  it('continues the caller\'s trace to the origin in workerd', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const origin: Server = createServer((request, response) => {
      seen.push(request.headers);
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    const worker = await unstable_dev(join(project, 'worker.ts'), {
      config: join(project, 'wrangler.toml'),
      ip: '127.0.0.1',
      vars: { ORIGIN_URL: originUrl, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
      experimental: { disableExperimentalWarning: true },
    });
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const response = await worker.fetch('/api/checkout', {
        method: 'POST',
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, baggage: 'session.id=s-1' },
      });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { ok: true });
      const serverTraceparent = /traceparent;desc="([^"]+)"/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? '';
      assert.match(serverTraceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      assert.equal(seen.length, 1);
      const forwarded = String(seen[0]!.traceparent);
      assert.match(forwarded, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`), 'the origin continues the trace');
      assert.notEqual(forwarded, serverTraceparent, 'under the CLIENT span, not the SERVER span');
      assert.equal(seen[0]!.baggage, 'session.id=s-1');
    } finally {
      await worker.stop();
      await new Promise<void>((resolve) => origin.close(() => resolve()));
    }
  });
});
