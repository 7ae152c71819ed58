/**
 * `@journeytrace/edge` as a worker team gets it: `npm pack`ed, installed from the tarball into a
 * fresh worker project next to the oldest `hono` and `@opentelemetry/api` its peer ranges allow,
 * type-checked (strict) against the published declarations, bundled by `wrangler deploy
 * --dry-run`, and run in workerd, where the request's trace reaches the origin.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { unstable_dev } from 'wrangler';
import { dryRunBundle } from '@journeytrace/tooling/lib/edgeBundle.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { createConsumerProject, exportedFiles, lowestAllowed, readManifest, type ConsumerProject } from './consumerProject.js';

const manifest = readManifest('edge-worker');

/**
 * The compatibility date the demo worker's wrangler.toml uses: the newest its wrangler's workerd
 * accepts, which is what a worker started today gets (a later date is refused at start).
 */
function newestCompatibilityDate(): string {
  const date = /^compatibility_date = "(\d{4}-\d{2}-\d{2})"$/m.exec(readFileSync(join(ROOT, 'demo-app', 'edge', 'wrangler.toml'), 'utf8'))?.[1];
  if (!date) throw new Error('demo-app/edge/wrangler.toml names no compatibility_date');
  return date;
}

const CONSUMER_WORKER = `import { Hono } from 'hono';
import { trace, traceCors, tracingFromEnv, type TraceBindings, type TraceVariables } from '@journeytrace/edge';
import { otlpRelay } from '@journeytrace/edge/relay';
import { tracedQueue, type QueueProducer } from '@journeytrace/edge/queue';

type Bindings = TraceBindings & { ORIGIN_URL: string; ORDERS?: QueueProducer };
const app = new Hono<{ Bindings: Bindings; Variables: TraceVariables }>();
app.use(traceCors({ origins: ['https://shop.example'] }));
app.post('/v1/traces', otlpRelay({ allowedOrigins: ['https://shop.example'] }));
app.use(trace<Bindings>((env) => ({ propagateTo: [env.ORIGIN_URL] })));

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
  const peers = {
    hono: lowestAllowed(manifest.peerDependencies.hono),
    '@opentelemetry/api': lowestAllowed(manifest.peerDependencies['@opentelemetry/api']),
  };
  let project: ConsumerProject;

  before(async () => {
    project = await createConsumerProject('edge-worker', peers);
    project.write('worker.ts', CONSUMER_WORKER);
    project.write(
      'wrangler.toml',
      `name = "consumer-worker"\nmain = "worker.ts"\ncompatibility_date = "${newestCompatibilityDate()}"\ncompatibility_flags = ["nodejs_als"]\n`,
    );
  });
  after(() => project?.remove());

  it('ships the built modules and their declarations, and no sources, tests or demo', () => {
    for (const file of exportedFiles(manifest)) assert.ok(project.packedFiles.includes(file), `${file} is in the package`);
    assert.deepEqual(
      project.packedFiles.filter((file) => /^src\/|\.test\.|testSpans|capturedMetrics|worker\.js|\/demo\//.test(file)),
      [],
    );
  });

  it('type-checks a worker written against it (strict, declarations only)', async () => {
    const result = await project.typecheck(['worker.ts']);
    assert.equal(result.code, 0, result.output);
  });

  it(`bundles with the nodejs_als flag and one copy each of hono ${peers.hono} and @opentelemetry/api ${peers['@opentelemetry/api']}`, async () => {
    const bundle = await dryRunBundle({ cwd: project.dir });
    assert.deepEqual(bundle.nodeImports, ['node:async_hooks']);
    for (const name of ['hono', '@opentelemetry/api']) {
      const copies = [...(bundle.packageCopies.get(name) ?? [])];
      assert.equal(copies.length, 1, `${name}: ${copies.join(', ')}`);
      // The worker's own copy, not one nested under the package.
      assert.equal(copies[0], `node_modules/${name}`);
    }
    // OpenTelemetry JS pins its packages to each other exactly: a range here would nest a second core.
    for (const [name, folders] of bundle.packageCopies) assert.equal(folders.size, 1, `${name}: ${[...folders].join(', ')}`);
  });

  it("continues the caller's trace to the origin in workerd", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const origin: Server = createServer((request, response) => {
      seen.push(request.headers);
      request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    const worker = await unstable_dev(join(project.dir, 'worker.ts'), {
      config: join(project.dir, 'wrangler.toml'),
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
