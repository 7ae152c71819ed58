/**
 * Edge overhead in workerd: the same demo-style Hono worker (POST /api/checkout -> origin)
 * untraced, traced with journeytrace's `trace()`, with @microlabs/otel-cf-workers, and with
 * @hono/otel (on otel-cf-workers, as its README sets it up for Workers). Each variant is bundled
 * by `wrangler deploy --dry-run --minify` and run by Miniflare in real workerd; the load comes
 * over loopback in alternating rounds, and the spans go to a local sink that answers 200 at
 * once, so the figures are the tracing's own cost, not a collector's.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { DATA_DIR, ROOT } from '@journeytrace/tooling/lib/paths.js';
import { lastLines, run } from '@journeytrace/tooling/lib/run.js';
import { procStat, threadCpuNanos } from '@journeytrace/tooling/lib/procStat.js';
import { freePort } from '@journeytrace/tooling/stack/ports.js';
import { ensureAnchor, installedVersion, scratchDir } from '@journeytrace/tooling/bench/anchors.js';
import { keepAliveAgent, postCheckout, runBounded } from '@journeytrace/tooling/bench/load.js';
import type { SinkStats } from '@journeytrace/tooling/bench/loopbackServers.js';
import { summarize, type BenchRow, type BenchSection } from './types.js';

export const COMPATIBILITY_DATE = '2026-11-30';
/** Requests per measured batch, in-flight requests, and alternating rounds. */
const REQUESTS_PER_BATCH = 1000;
const CONCURRENCY = 8;
const ROUNDS = 21;
const WARMUP_REQUESTS = 200;
/** One request at a time: requests per round, and the variants measured so. */
const LATENCY_REQUESTS = 300;
const LATENCY_VARIANTS = ['untraced', 'journeytrace', 'otelCfWorkers'] as const;
/**
 * The workers measured again with each batch's requests dealt to all of them in turn: the same
 * conditions for every worker at the same moment, so the ratios do not carry the machine's drift
 * between one worker's batch and the next one's.
 */
const INTERLEAVED_VARIANTS = [
  'untraced',
  'untracedTwin',
  'wireFloor',
  'minimalTracer',
  'journeytrace',
  'journeytraceNoExport',
  'journeytraceNoMetrics',
] as const;

const routes = (fetchExpression: string) => `
app.post('/api/checkout', async (c) => {
  const body = await c.req.json().catch(() => ({}));
  const response = await ${fetchExpression}(new URL('/checkout', c.env.ORIGIN_URL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario: body.scenario ?? 'ok' }),
  });
  return new Response(response.body, { status: response.status, headers: { 'content-type': 'application/json' } });
});
`;

const untracedSource = `import { Hono } from 'hono';\nconst app = new Hono();\n${routes('fetch')}\nexport default app;\n`;

// A heavier handler: three origin calls (two at once, then one), each answer read as JSON.
const threeCallRoutes = (fetchExpression: string) => `
app.post('/api/checkout', async (c) => {
  const body = await c.req.json().catch(() => ({}));
  const call = async (path) => {
    const response = await ${fetchExpression}(new URL(path, c.env.ORIGIN_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: body.scenario ?? 'ok' }),
    });
    return response.json();
  };
  const [stock, payment] = await Promise.all([call('/inventory/reserve'), call('/payment/authorize')]);
  const order = await call('/checkout');
  return c.json({ ...order, stock: stock.status, payment: payment.status });
});
`;

const otelCfWorkersConfig = `(env) => ({ exporter: { url: env.OTEL_EXPORTER_OTLP_ENDPOINT + '/v1/traces' }, service: { name: 'edge-worker' } })`;

export interface Variant {
  key:
    | 'untraced'
    | 'untracedTwin'
    | 'contextOnly'
    | 'wireFloor'
    | 'minimalTracer'
    | 'journeytrace'
    | 'journeytraceNoExport'
    | 'journeytraceNoMetrics'
    | 'untracedThreeCalls'
    | 'journeytraceThreeCalls'
    | 'otelCfWorkers'
    | 'honoOtel';
  label: string;
  /** Where the worker source is bundled from (its imports resolve there). */
  home: 'root' | 'edge-anchor';
  compatibilityFlags: string[];
  source: string;
  /** Bindings of its own, over the shared ones (e.g. an `OTEL_*` switch). */
  bindings?: Record<string, string>;
}

/** Variants that send nothing to the span endpoint (untraced, or their spans dropped). */
const SENDS_NO_SPANS = new Set<Variant['key']>(['untraced', 'untracedTwin', 'contextOnly', 'wireFloor', 'journeytraceNoExport', 'untracedThreeCalls']);

export const VARIANTS: Variant[] = [
  {
    key: 'untraced',
    label: 'untraced',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: untracedSource,
  },
  {
    // Diagnostic: the same untraced worker again, in its own workerd: how far two identical
    // workers' figures differ in one run (an A/A check), the noise every other ratio carries.
    key: 'untracedTwin',
    label: 'a second copy of the untraced worker',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: untracedSource,
  },
  {
    // Diagnostic: only what any active-context propagation in workerd costs (the nodejs_als
    // AsyncLocalStorage the OpenTelemetry context runs on), with no tracing at all.
    key: 'contextOnly',
    label: 'untraced, handler run inside AsyncLocalStorage.run',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: `import { Hono } from 'hono';\nimport { AsyncLocalStorage } from 'node:async_hooks';\nconst storage = new AsyncLocalStorage();\nconst app = new Hono();\napp.use((c, next) => storage.run({}, next));\n${routes('fetch')}\nexport default app;\n`,
  },
  {
    // Diagnostic: what any W3C tracer must do in workerd before it records a single span: read
    // the trace headers, send them on to the origin, answer with Server-Timing, and keep the
    // context active (AsyncLocalStorage.run). Static header values of the real lengths.
    key: 'wireFloor',
    label: 'untraced, with the trace headers read and sent on, Server-Timing, AsyncLocalStorage.run',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: `import { Hono } from 'hono';
import { AsyncLocalStorage } from 'node:async_hooks';
const storage = new AsyncLocalStorage();
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const wireFetch = (url, init) => {
  const incoming = storage.getStore();
  const headers = { ...init.headers, traceparent: TRACEPARENT };
  if (incoming.tracestate) headers.tracestate = incoming.tracestate;
  if (incoming.baggage) headers.baggage = incoming.baggage;
  return fetch(url, { ...init, headers });
};
const app = new Hono();
app.use((c, next) => {
  const headers = c.req.raw.headers;
  const incoming = { traceparent: headers.get('traceparent'), tracestate: headers.get('tracestate'), baggage: headers.get('baggage') };
  return storage.run(incoming, async () => {
    await next();
    c.res.headers.append('server-timing', \`traceparent;desc="\${TRACEPARENT}"\`);
  });
});
${routes('wireFetch')}
export default app;
`,
  },
  {
    // Diagnostic: the least a tracer can do for the same two spans in workerd, hand-written for
    // this worker only: the wire floor plus span ids, start and end times, the main attributes,
    // and one OTLP/JSON export (JSON.stringify, native) per 512 spans. No OpenTelemetry API, no
    // metrics, no tracestate or baggage parsing, no retry; not a product, a lower bound.
    key: 'minimalTracer',
    label: 'minimal hand-written two-span tracer',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: `import { Hono } from 'hono';
import { routePath } from 'hono/route';
import { AsyncLocalStorage } from 'node:async_hooks';
const storage = new AsyncLocalStorage();
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const randomHex = (words) => {
  let id = '';
  for (let i = 0; i < words; i++) {
    const word = (Math.random() * 0x100000000) >>> 0;
    id += HEX[word >>> 24] + HEX[(word >>> 16) & 255] + HEX[(word >>> 8) & 255] + HEX[word & 255];
  }
  return id;
};
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;
let spans = [];
const toAttributes = (record) => Object.entries(record).filter(([, value]) => value !== undefined).map(([key, value]) => ({ key, value: typeof value === 'number' ? { intValue: value } : { stringValue: String(value) } }));
const toSpan = (span) => ({ traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentId, name: span.name, kind: span.kind, startTimeUnixNano: span.start + '000000', endTimeUnixNano: span.end + '000000', attributes: toAttributes(span.attributes) });
const send = (env) => {
  const batch = spans;
  spans = [];
  const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: toAttributes({ 'service.name': 'edge-worker' }) }, scopeSpans: [{ scope: { name: 'minimal' }, spans: batch.map(toSpan) }] }] });
  return fetch(env.OTEL_EXPORTER_OTLP_ENDPOINT + '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((response) => response.body?.cancel());
};
const minimalFetch = async (url, init) => {
  const active = storage.getStore();
  const start = Date.now();
  const spanId = randomHex(2);
  const headers = { ...init.headers, traceparent: '00-' + active.traceId + '-' + spanId + '-01' };
  if (active.tracestate) headers.tracestate = active.tracestate;
  if (active.baggage) headers.baggage = active.baggage;
  const response = await fetch(url, { ...init, headers });
  spans.push({ traceId: active.traceId, spanId, parentId: active.spanId, name: init.method, kind: 3, start, end: Date.now(), attributes: { 'http.request.method': init.method, 'url.full': String(url), 'http.response.status_code': response.status } });
  return response;
};
const app = new Hono();
app.use(async (c, next) => {
  const start = Date.now();
  const request = c.req.raw;
  const headers = request.headers;
  const traceparent = headers.get('traceparent');
  const parent = traceparent ? TRACEPARENT.exec(traceparent) : null;
  const active = { traceId: parent ? parent[1] : randomHex(4), spanId: randomHex(2), tracestate: headers.get('tracestate'), baggage: headers.get('baggage') };
  await storage.run(active, next);
  const route = routePath(c, -1);
  const status = c.res.status;
  c.res.headers.append('server-timing', 'traceparent;desc="00-' + active.traceId + '-' + active.spanId + '-01"');
  spans.push({ traceId: active.traceId, spanId: active.spanId, parentId: parent ? parent[2] : undefined, name: request.method + ' ' + route, kind: 2, start, end: Date.now(), attributes: { 'http.request.method': request.method, 'http.route': route, 'http.response.status_code': status, 'user_agent.original': headers.get('user-agent') ?? undefined } });
  if (spans.length >= 512) c.executionCtx.waitUntil(send(c.env));
});
${routes('minimalFetch')}
export default app;
`,
  },
  {
    key: 'journeytrace',
    label: 'journeytrace trace()',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: `import { Hono } from 'hono';\nimport { trace } from '@journeytrace/edge';\nconst app = new Hono();\napp.use(trace((env) => ({ propagateTo: [env.ORIGIN_URL] })));\n${routes('c.var.tracedFetch')}\nexport default app;\n`,
  },
  {
    // Diagnostic: the same middleware with spans dropped at the exporter (OTEL_TRACES_EXPORTER=none:
    // buffered and batched as ever, never encoded or sent), its metrics on, to split the export's share.
    key: 'journeytraceNoExport',
    label: 'journeytrace trace(), spans dropped instead of exported (OTEL_TRACES_EXPORTER=none)',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: `import { Hono } from 'hono';\nimport { trace } from '@journeytrace/edge';\nconst app = new Hono();\napp.use(trace((env) => ({ propagateTo: [env.ORIGIN_URL] })));\n${routes('c.var.tracedFetch')}\nexport default app;\n`,
    bindings: { OTEL_TRACES_EXPORTER: 'none' },
  },
  {
    // Diagnostic: the same middleware with its HTTP metrics off, to split the metrics' share.
    key: 'journeytraceNoMetrics',
    label: 'journeytrace trace(), metrics off (OTEL_METRICS_EXPORTER=none)',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: `import { Hono } from 'hono';\nimport { trace } from '@journeytrace/edge';\nconst app = new Hono();\napp.use(trace((env) => ({ propagateTo: [env.ORIGIN_URL] })));\n${routes('c.var.tracedFetch')}\nexport default app;\n`,
    bindings: { OTEL_METRICS_EXPORTER: 'none' },
  },
  {
    // Diagnostic: whether a handler doing more I/O dilutes the tracing's share (it does not:
    // every traced call adds a CLIENT span, its headers and its metric).
    key: 'untracedThreeCalls',
    label: 'untraced, three origin calls',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: `import { Hono } from 'hono';\nconst app = new Hono();\n${threeCallRoutes('fetch')}\nexport default app;\n`,
  },
  {
    key: 'journeytraceThreeCalls',
    label: 'journeytrace trace(), three origin calls',
    home: 'root',
    compatibilityFlags: ['nodejs_als'],
    source: `import { Hono } from 'hono';\nimport { trace } from '@journeytrace/edge';\nconst app = new Hono();\napp.use(trace((env) => ({ propagateTo: [env.ORIGIN_URL] })));\n${threeCallRoutes('c.var.tracedFetch')}\nexport default app;\n`,
  },
  {
    key: 'otelCfWorkers',
    label: '@microlabs/otel-cf-workers',
    home: 'edge-anchor',
    compatibilityFlags: ['nodejs_compat'],
    source: `import { Hono } from 'hono';\nimport { instrument } from '@microlabs/otel-cf-workers';\nconst app = new Hono();\n${routes('fetch')}\nexport default instrument(app, ${otelCfWorkersConfig});\n`,
  },
  {
    key: 'honoOtel',
    label: '@hono/otel (on otel-cf-workers)',
    home: 'edge-anchor',
    compatibilityFlags: ['nodejs_compat'],
    source: `import { Hono } from 'hono';\nimport { httpInstrumentationMiddleware } from '@hono/otel';\nimport { instrument } from '@microlabs/otel-cf-workers';\nconst app = new Hono();\napp.use('*', httpInstrumentationMiddleware({ serviceName: 'edge-worker' }));\n${routes('fetch')}\nexport default instrument(app, ${otelCfWorkersConfig});\n`,
  },
];

/**
 * `wrangler deploy --dry-run --minify` of one variant: the bundle's path and gzip size. Not
 * minified (`minify: false`) for a profile, whose function names must stay readable.
 */
export async function bundle(
  variant: Variant,
  home: string,
  outRoot: string,
  options: { minify?: boolean } = {},
): Promise<{ script: string; gzipBytes: number }> {
  const scratch = scratchDir(home, `edge-${variant.key}`);
  try {
    writeFileSync(join(scratch.path, 'worker.js'), variant.source);
    writeFileSync(
      join(scratch.path, 'wrangler.toml'),
      `name = "bench-${variant.key.toLowerCase()}"\nmain = "worker.js"\ncompatibility_date = "${COMPATIBILITY_DATE}"\ncompatibility_flags = ${JSON.stringify(variant.compatibilityFlags)}\n`,
    );
    const outdir = join(outRoot, variant.key);
    const result = await run(
      process.execPath,
      [join(ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', ...(options.minify === false ? [] : ['--minify']), '--outdir', outdir],
      { cwd: scratch.path, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, logFile: join(outRoot, `${variant.key}-build.log`) },
    );
    if (result.code !== 0) throw new Error(`wrangler dry run of the ${variant.label} worker failed:\n${lastLines(result.output)}`);
    const script = readdirSync(outdir).find((name) => name.endsWith('.js'));
    if (!script) throw new Error(`wrangler wrote no script for ${variant.label} in ${outdir}`);
    const path = join(outdir, script);
    return { script: path, gzipBytes: gzipSync(readFileSync(path), { level: 9 }).length };
  } finally {
    scratch.remove();
  }
}

/** Starts the origin and the sink in their own process. */
export async function startLoopbackServers(): Promise<{ child: ChildProcess; origin: string; sink: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tooling/bench/loopbackServers.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the loopback servers exited (code ${code})`)));
  });
  const ports = JSON.parse(line) as { origin: number; sink: number };
  return { child, origin: `http://127.0.0.1:${ports.origin}`, sink: `http://127.0.0.1:${ports.sink}` };
}

const agent = keepAliveAgent(CONCURRENCY);
export const BAGGAGE = 'session.id=c7b8a46d0143a764ed937fb03a9901c2,user.tier=premium';

/**
 * `countEach` checkouts to each of `bases`, dealt to them in turn, `CONCURRENCY` in flight in
 * all: the wall time per request, in ms.
 */
async function batch(bases: readonly string[], countEach: number): Promise<number> {
  const urls = bases.map((base) => new URL('/api/checkout', base));
  const count = countEach * urls.length;
  let failures = 0;
  const elapsed = await runBounded(count, CONCURRENCY, async (index) => {
    if ((await postCheckout(agent, urls[index % urls.length]!, BAGGAGE)).status !== 200) failures += 1;
  });
  if (failures > 0) throw new Error(`${failures} of ${count} requests to ${bases.join(', ')} did not answer 200`);
  return elapsed / count;
}

const latencyAgent = keepAliveAgent(1);

/**
 * `count` checkouts one after another on one connection: the median time from sending a request
 * to its response's end, in ms. What a single user's request pays: no other request competes
 * for the CPU, and the exports in waitUntil run after the response.
 */
async function latencyBatch(base: string, count: number): Promise<number> {
  const url = new URL('/api/checkout', base);
  const latencies: number[] = [];
  await runBounded(count, 1, async () => {
    const started = performance.now();
    const { status } = await postCheckout(latencyAgent, url, BAGGAGE);
    if (status !== 200) throw new Error(`a request to ${base} answered ${status}`);
    latencies.push(performance.now() - started);
  });
  return summarize(latencies).median;
}

/**
 * Figures over rounds from per-round samples: each variant's own, and its ratio to or difference
 * from another variant's in the same round (the machine drifts between rounds far more than
 * within one).
 */
function perRound(samples: ReadonlyMap<Variant['key'], readonly number[]>) {
  const of = (key: Variant['key']) => samples.get(key)!;
  return {
    value: (key: Variant['key']) => summarize(of(key)),
    ratio: (key: Variant['key'], base: Variant['key'] = 'untraced') => summarize(of(key).map((value, round) => value / of(base)[round]!)),
    above: (key: Variant['key'], base: Variant['key'] = 'untraced') => summarize(of(key).map((value, round) => value - of(base)[round]!)),
    /** (key − base) / untraced per round: how far apart two variants are, in multiples of the untraced worker. */
    ratioAbove: (key: Variant['key'], base: Variant['key']) => summarize(of(key).map((value, round) => (value - of(base)[round]!) / of('untraced')[round]!)),
  };
}

/** `items` in round `round`'s order: rotated each round, so none always runs first or after the same one. */
function inRoundOrder<T>(items: readonly T[], round: number): T[] {
  const start = round % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** This process's workerd children (Miniflare spawns one per instance), from /proc. */
function workerdChildren(): Set<number> {
  const pids = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.comm.startsWith('workerd') && stat.ppid === process.pid) pids.add(Number(entry));
  }
  return pids;
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/**
 * Where a workerd's CPU time is read: the scheduler's per-thread nanoseconds where the kernel
 * keeps them (a clock tick, 10 ms, is the CPU of ~25 requests: too coarse for a 1000-request
 * batch), else the process's clock ticks.
 */
const CPU_IN_NANOS = threadCpuNanos(process.pid) !== undefined;
const cpuMillis = (pid: number | undefined): number => {
  if (pid === undefined) return NaN;
  if (CPU_IN_NANOS) return (threadCpuNanos(pid) ?? NaN) / 1e6;
  return ((procStat(pid)?.cpuTicks ?? NaN) * 1000) / TICKS_PER_SECOND;
};

export default async function edge(): Promise<BenchSection> {
  const anchorDir = await ensureAnchor('edge');
  const outRoot = scratchDir(join(DATA_DIR, 'bench'), 'edge-bundles');
  const servers = await startLoopbackServers();
  const workers: Array<{ variant: Variant; mf: Miniflare; url: string; gzipBytes: number; workerdPid?: number }> = [];
  try {
    for (const variant of VARIANTS) {
      const built = await bundle(variant, variant.home === 'root' ? join(DATA_DIR, 'bench') : anchorDir, outRoot.path);
      const before = workerdChildren();
      const mf = new Miniflare(
        // Miniflare 5 takes its own option shape; wrangler still speaks v4 (its worker options).
        convertV4MiniflareOptions({
          host: '127.0.0.1',
          port: await freePort(),
          modules: true,
          scriptPath: built.script,
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: variant.compatibilityFlags,
          bindings: {
            ORIGIN_URL: servers.origin,
            OTEL_SERVICE_NAME: 'edge-worker',
            OTEL_EXPORTER_OTLP_ENDPOINT: `${servers.sink}/${variant.key}`,
            ...variant.bindings,
          },
        }),
      );
      const url = (await mf.ready).toString();
      const started = [...workerdChildren()].filter((pid) => !before.has(pid));
      workers.push({ variant, mf, url, gzipBytes: built.gzipBytes, workerdPid: started.length === 1 ? started[0] : undefined });
    }

    for (const worker of workers) await batch([worker.url], WARMUP_REQUESTS);
    const samples = new Map<Variant['key'], number[]>(VARIANTS.map((variant) => [variant.key, []]));
    // Each variant's workerd CPU at the start of each of its batches: a round's CPU runs from its
    // batch's start to the next one's, so exports a worker defers (batched across requests, sent
    // up to a second later) count for the round that made them, wherever they happen.
    const cpuAtStart = new Map<Variant['key'], number[]>(VARIANTS.map((variant) => [variant.key, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const worker of inRoundOrder(workers, round)) {
        cpuAtStart.get(worker.variant.key)!.push(cpuMillis(worker.workerdPid));
        samples.get(worker.variant.key)!.push(await batch([worker.url], REQUESTS_PER_BATCH));
        await sleep(300); // Lets this batch's exports (in waitUntil) finish before the next variant's batch.
      }
    }
    await sleep(2000); // Longer than any variant's export delay: the last round's exports are done.
    const cpuSamples = new Map<Variant['key'], number[]>(
      workers.map((worker) => {
        const starts = [...cpuAtStart.get(worker.variant.key)!, cpuMillis(worker.workerdPid)];
        return [worker.variant.key, starts.slice(1).map((end, round) => (end - starts[round]!) / REQUESTS_PER_BATCH)];
      }),
    );
    // Read before the latency rounds, whose exports are not the rounds' above.
    const sink = (await (await fetch(`${servers.sink}/stats`)).json()) as Record<string, SinkStats>;

    const latencyWorkers = LATENCY_VARIANTS.map((key) => workers.find((worker) => worker.variant.key === key)!);
    const latencySamples = new Map<Variant['key'], number[]>(LATENCY_VARIANTS.map((key) => [key, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const worker of inRoundOrder(latencyWorkers, round)) latencySamples.get(worker.variant.key)!.push(await latencyBatch(worker.url, LATENCY_REQUESTS));
    }

    // Interleaved: each round's CPU runs from before its batch to after its exports (the span
    // buffers' 1 s delay), for all the workers at once.
    // Only CPU is read there: without it per worker, the rounds would measure nothing.
    const cpuMeasured = workers.every((worker) => worker.workerdPid !== undefined);
    const interleavedWorkers = INTERLEAVED_VARIANTS.map((key) => workers.find((worker) => worker.variant.key === key)!);
    const interleavedCpu = new Map<Variant['key'], number[]>(INTERLEAVED_VARIANTS.map((key) => [key, []]));
    if (cpuMeasured) {
      for (let round = 0; round < ROUNDS; round += 1) {
        const before = interleavedWorkers.map((worker) => cpuMillis(worker.workerdPid));
        await batch(
          inRoundOrder(interleavedWorkers, round).map((worker) => worker.url),
          REQUESTS_PER_BATCH,
        );
        await sleep(1200);
        for (const [index, worker] of interleavedWorkers.entries()) {
          interleavedCpu.get(worker.variant.key)!.push((cpuMillis(worker.workerdPid) - before[index]!) / REQUESTS_PER_BATCH);
        }
      }
    }

    const wall = perRound(samples);
    const cpu = perRound(cpuSamples);
    const interleaved = perRound(interleavedCpu);
    const latency = perRound(latencySamples);
    const untraced = wall.value('untraced');
    const ours = wall.above('journeytrace');
    const cpuRows: BenchRow[] = cpuMeasured
      ? [
          {
            figure: 'workerd CPU per request, journeytrace trace()',
            ...spread(cpu.value('journeytrace')),
            unit: 'ms',
            anchor: 'workerd CPU per request, untraced',
            anchorValue: cpu.value('untraced').median,
            target: '< 1.1',
          },
          {
            figure: 'workerd CPU per request, journeytrace trace(), as a multiple of the untraced worker in the same round',
            ...spread(cpu.ratio('journeytrace')),
            unit: '×',
            anchor: 'untraced worker',
            anchorValue: 1,
            target: '< 1.1',
          },
          {
            figure: 'added workerd CPU per request, journeytrace',
            ...spread(cpu.above('journeytrace')),
            unit: 'ms',
            anchor: 'added workerd CPU per request, @microlabs/otel-cf-workers',
            anchorValue: cpu.above('otelCfWorkers').median,
            target: '< 1',
          },
          {
            figure: 'added workerd CPU per request, journeytrace',
            ...spread(cpu.above('journeytrace')),
            unit: 'ms',
            anchor: 'added workerd CPU per request, @hono/otel on otel-cf-workers',
            anchorValue: cpu.above('honoOtel').median,
            target: '< 1',
          },
          {
            figure:
              'workerd CPU per request, a second copy of the untraced worker (A/A: the noise in these ratios), as a multiple of the untraced worker in the same round',
            ...spread(cpu.ratio('untracedTwin')),
            unit: '×',
            anchor: 'untraced worker',
            anchorValue: 1,
          },
          {
            figure: 'workerd CPU per request, AsyncLocalStorage.run only (no tracing)',
            ...spread(cpu.value('contextOnly')),
            unit: 'ms',
            anchor: 'workerd CPU per request, untraced',
            anchorValue: cpu.value('untraced').median,
          },
          {
            figure: 'workerd CPU per request, wire floor (trace headers read and sent on, Server-Timing, AsyncLocalStorage.run; no spans)',
            ...spread(cpu.value('wireFloor')),
            unit: 'ms',
            anchor: 'workerd CPU per request, untraced',
            anchorValue: cpu.value('untraced').median,
          },
          {
            figure: 'workerd CPU per request, minimal hand-written two-span tracer, as a multiple of the untraced worker in the same round',
            ...spread(cpu.ratio('minimalTracer')),
            unit: '×',
            anchor: 'untraced worker',
            anchorValue: 1,
          },
          {
            figure: 'added workerd CPU per request, journeytrace',
            ...spread(cpu.above('journeytrace')),
            unit: 'ms',
            anchor: 'added workerd CPU per request, minimal hand-written two-span tracer',
            anchorValue: cpu.above('minimalTracer').median,
          },
          {
            figure: 'added workerd CPU per request above the wire floor, journeytrace (spans, ids, export, metrics)',
            ...spread(cpu.above('journeytrace', 'wireFloor')),
            unit: 'ms',
            anchor: 'added workerd CPU per request, journeytrace',
            anchorValue: cpu.above('journeytrace').median,
          },
          {
            figure: 'added workerd CPU per request, journeytrace with spans dropped (no export)',
            ...spread(cpu.above('journeytraceNoExport')),
            unit: 'ms',
            anchor: 'added workerd CPU per request, journeytrace',
            anchorValue: cpu.above('journeytrace').median,
          },
          {
            figure:
              'workerd CPU per request, journeytrace trace(), requests interleaved across the workers, as a multiple of the untraced worker in the same batch',
            ...spread(interleaved.ratio('journeytrace')),
            unit: '×',
            anchor: 'untraced worker, interleaved',
            anchorValue: 1,
            target: '< 1.1',
          },
          {
            figure: 'workerd CPU per request, a second copy of the untraced worker, interleaved (A/A)',
            ...spread(interleaved.ratio('untracedTwin')),
            unit: '×',
            anchor: 'untraced worker, interleaved',
            anchorValue: 1,
          },
          {
            figure: 'workerd CPU per request, wire floor, interleaved',
            ...spread(interleaved.ratio('wireFloor')),
            unit: '×',
            anchor: 'untraced worker, interleaved',
            anchorValue: 1,
          },
          {
            figure: 'workerd CPU per request, minimal hand-written two-span tracer, interleaved',
            ...spread(interleaved.ratio('minimalTracer')),
            unit: '×',
            anchor: 'untraced worker, interleaved',
            anchorValue: 1,
          },
          {
            figure: 'added workerd CPU per request, journeytrace, interleaved',
            ...spread(interleaved.above('journeytrace')),
            unit: 'ms',
            anchor: 'workerd CPU per request, untraced, interleaved',
            anchorValue: interleaved.value('untraced').median,
          },
          {
            figure:
              'workerd CPU per request, journeytrace trace() above the minimal tracer, interleaved, as a multiple of the untraced worker (goal: within 0.05)',
            ...spread(interleaved.ratioAbove('journeytrace', 'minimalTracer')),
            unit: '×',
            anchor: 'untraced worker, interleaved',
            anchorValue: 1,
          },
          {
            figure: 'where it goes, interleaved: the HTTP metrics (journeytrace − journeytrace with OTEL_METRICS_EXPORTER=none)',
            ...spread(interleaved.above('journeytrace', 'journeytraceNoMetrics')),
            unit: 'ms',
            anchor: 'added workerd CPU per request above the minimal tracer, journeytrace, interleaved',
            anchorValue: interleaved.above('journeytrace', 'minimalTracer').median,
          },
          {
            figure: 'where it goes, interleaved: the span export (journeytrace − journeytrace with spans dropped)',
            ...spread(interleaved.above('journeytrace', 'journeytraceNoExport')),
            unit: 'ms',
            anchor: 'added workerd CPU per request above the minimal tracer, journeytrace, interleaved',
            anchorValue: interleaved.above('journeytrace', 'minimalTracer').median,
          },
          {
            figure:
              'where it goes, interleaved: spans, ids, context and propagation (journeytrace with spans dropped − minimal tracer, less the metrics row in the same batch)',
            ...spread(
              summarize(
                interleavedCpu
                  .get('journeytraceNoExport')!
                  .map(
                    (noExport, round) =>
                      noExport -
                      interleavedCpu.get('minimalTracer')![round]! -
                      (interleavedCpu.get('journeytrace')![round]! - interleavedCpu.get('journeytraceNoMetrics')![round]!),
                  ),
              ),
            ),
            unit: 'ms',
            anchor: 'added workerd CPU per request above the minimal tracer, journeytrace, interleaved',
            anchorValue: interleaved.above('journeytrace', 'minimalTracer').median,
          },
          {
            figure:
              'workerd CPU per request, journeytrace trace(), worker making three origin calls, as a multiple of the same worker untraced in the same round',
            ...spread(cpu.ratio('journeytraceThreeCalls', 'untracedThreeCalls')),
            unit: '×',
            anchor: 'the three-call worker untraced',
            anchorValue: 1,
          },
          {
            figure: 'added workerd CPU per request, journeytrace, worker making three origin calls',
            ...spread(cpu.above('journeytraceThreeCalls', 'untracedThreeCalls')),
            unit: 'ms',
            anchor: 'added workerd CPU per request, journeytrace, one origin call',
            anchorValue: cpu.above('journeytrace').median,
          },
        ]
      : [];
    const gz = (key: Variant['key']) => workers.find((worker) => worker.variant.key === key)!.gzipBytes / 1024;
    const rows: BenchRow[] = [
      ...cpuRows,
      {
        figure: 'time per request, journeytrace trace()',
        ...spread(wall.value('journeytrace')),
        unit: 'ms',
        anchor: 'time per request, untraced',
        anchorValue: untraced.median,
        target: '< 1.1',
      },
      {
        figure: 'added time per request, journeytrace',
        ...spread(ours),
        unit: 'ms',
        anchor: 'added time per request, @microlabs/otel-cf-workers',
        anchorValue: wall.above('otelCfWorkers').median,
        target: '< 1',
      },
      {
        figure: 'added time per request, journeytrace',
        ...spread(ours),
        unit: 'ms',
        anchor: 'added time per request, @hono/otel on otel-cf-workers',
        anchorValue: wall.above('honoOtel').median,
        target: '< 1',
      },
      {
        figure: 'added time per request, journeytrace with spans dropped (no export)',
        ...spread(wall.above('journeytraceNoExport')),
        unit: 'ms',
        anchor: 'added time per request, journeytrace',
        anchorValue: ours.median,
      },
      {
        figure: 'latency per request, one in flight (median), journeytrace trace()',
        ...spread(latency.value('journeytrace')),
        unit: 'ms',
        anchor: 'latency per request, one in flight, untraced',
        anchorValue: latency.value('untraced').median,
        target: '< 1.1',
      },
      {
        figure: 'latency per request, one in flight, journeytrace trace(), as a multiple of the untraced worker in the same round',
        ...spread(latency.ratio('journeytrace')),
        unit: '×',
        anchor: 'untraced worker',
        anchorValue: 1,
        target: '< 1.1',
      },
      {
        figure: 'added latency per request, one in flight, journeytrace',
        ...spread(latency.above('journeytrace')),
        unit: 'ms',
        anchor: 'added latency per request, one in flight, @microlabs/otel-cf-workers',
        anchorValue: latency.above('otelCfWorkers').median,
        target: '< 1',
      },
      {
        figure: 'time per request, @microlabs/otel-cf-workers',
        ...spread(wall.value('otelCfWorkers')),
        unit: 'ms',
        anchor: 'time per request, untraced',
        anchorValue: untraced.median,
      },
      {
        figure: 'time per request, @hono/otel on otel-cf-workers',
        ...spread(wall.value('honoOtel')),
        unit: 'ms',
        anchor: 'time per request, untraced',
        anchorValue: untraced.median,
      },
      {
        figure: 'worker bundle, journeytrace trace()',
        value: gz('journeytrace'),
        unit: 'KiB gz',
        anchor: 'worker bundle, @microlabs/otel-cf-workers',
        anchorValue: gz('otelCfWorkers'),
        target: '< 1',
      },
      {
        figure: 'worker bundle, journeytrace trace()',
        value: gz('journeytrace'),
        unit: 'KiB gz',
        anchor: 'worker bundle, @hono/otel on otel-cf-workers',
        anchorValue: gz('honoOtel'),
        target: '< 1',
      },
      {
        figure: 'worker bundle, journeytrace trace()',
        value: gz('journeytrace'),
        unit: 'KiB gz',
        anchor: 'worker bundle, untraced',
        anchorValue: gz('untraced'),
      },
    ];
    const exported = VARIANTS.filter((variant) => !SENDS_NO_SPANS.has(variant.key))
      .map((variant) => `${variant.label} ${sink[variant.key]?.exports ?? 0} exports / ${((sink[variant.key]?.bytes ?? 0) / 1024).toFixed(0)} KiB`)
      .join(', ');
    return {
      title: 'Edge overhead in workerd (demo-style Hono worker)',
      command: 'npm run bench -- edge',
      versions: [
        `hono ${installedVersion(ROOT, 'hono')}`,
        `wrangler ${installedVersion(ROOT, 'wrangler')}`,
        `miniflare ${installedVersion(ROOT, 'miniflare')}`,
        `@microlabs/otel-cf-workers ${installedVersion(anchorDir, '@microlabs/otel-cf-workers')}`,
        `@hono/otel ${installedVersion(anchorDir, '@hono/otel')}`,
        `@opentelemetry/api ${installedVersion(ROOT, '@opentelemetry/api')} (journeytrace, its own edge tracer), @opentelemetry/sdk-trace-base ${installedVersion(anchorDir, '@opentelemetry/sdk-trace-base')} (anchors)`,
      ].join(', '),
      rows,
      notes: [
        `Each worker: POST /api/checkout reads the JSON body and POSTs it to a local origin, which answers at once; requests carry a sampled traceparent and journey baggage like the browser's. ${ROUNDS} alternating rounds (order rotated) of ${REQUESTS_PER_BATCH} requests, ${CONCURRENCY} in flight, over loopback on keep-alive connections, after ${WARMUP_REQUESTS} warm-up requests each; "time per request" is the batch's wall time divided by its requests (so it includes the exports done in waitUntil); "added" is each round's difference to the untraced worker of the same round. Median (min–max) over rounds; other work on the machine widens the spread of wall times.`,
        cpuMeasured
          ? `"workerd CPU per request": user + system CPU time of each variant's own workerd process (${CPU_IN_NANOS ? "the sum of its threads' /proc schedstat, in nanoseconds" : `/proc, ${TICKS_PER_SECOND} ticks/s`}) from the start of its batch to the start of its next one (so exports in waitUntil count, also those a worker batches and sends later; the other variants' batches in between leave it idle), divided by the batch's requests; far less sensitive than wall time to other work on the machine. The load generator, origin and sink run in other processes.`
          : 'workerd CPU time could not be attributed to each variant (no single new workerd child per Miniflare instance found in /proc), so only wall times are shown.',
        ...(cpuMeasured
          ? [
              `"interleaved": after the alternating and one-in-flight rounds, the untraced worker, its second copy, the wire floor, the minimal tracer, journeytrace, and journeytrace with spans dropped and with metrics off again in ${ROUNDS} rounds, each one batch of ${REQUESTS_PER_BATCH} requests per worker dealt to the workers in turn (order rotated per round), ${CONCURRENCY} in flight in all; each worker's CPU from before the batch to 1.2 s after it (its exports included), divided by its requests, and compared with the untraced worker's in the same batch. Every worker runs under the same conditions at the same moment, so these ratios are tighter than the alternating ones (see the A/A rows); each workerd has one or two requests in flight, so its CPU per request is higher than with eight.`,
            ]
          : []),
        `"latency per request, one in flight": after the rounds above, the untraced, journeytrace and otel-cf-workers workers again in ${ROUNDS} alternating rounds of ${LATENCY_REQUESTS} requests sent one after another on one keep-alive connection; each round's figure is the median time from sending a request to the end of its response, as the load generator sees it (so it includes the origin hop and loopback). It is what a single user's request pays: nothing else competes for the CPU, and exports in waitUntil run after the response.`,
        "The AsyncLocalStorage row is the floor of any tracing that keeps an active context in workerd (what `trace.getActiveSpan()` and nested spans in handlers need): the handler runs inside `AsyncLocalStorage.run`, nothing else. The wire floor adds what any W3C trace propagation puts on the wire, with no span recorded: the request's traceparent, tracestate and baggage read, a traceparent (and the baggage) sent on to the origin, and `Server-Timing: traceparent` on the response; journeytrace's cost above it is its spans, ids, export and metrics. The minimal two-span tracer is the lower bound of recording those two spans at all: hand-written for this one worker on top of the wire floor (span ids, start and end times, the main attributes, one OTLP/JSON export per 512 spans with the native JSON.stringify), with none of the OpenTelemetry API, metrics, tracestate and baggage parsing, limits or retries.",
        "The three-call rows run a heavier handler (two origin calls at once, then a third, each answer read as JSON) untraced and traced, and compare the two in each round: it answers whether more I/O per request dilutes the tracing's share. Not below 1.1: each traced call adds a CLIENT span, its trace headers and its client metric, so the share stays near the one-call worker's.",
        `Span endpoint: a local sink answering 200 at once (pure tracing overhead, no collector). Spans received: ${exported}. journeytrace exports protobuf; otel-cf-workers JSON.`,
        'Bundles: `wrangler deploy --dry-run --minify`, gzip level 9. journeytrace needs only the nodejs_als compatibility flag; otel-cf-workers needs nodejs_compat. journeytrace also traces the outbound fetch (CLIENT span, context injected to the origin only); otel-cf-workers patches the global fetch for the same.',
      ],
    };
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.mf.dispose()));
    servers.child.kill('SIGTERM');
    agent.destroy();
    latencyAgent.destroy();
    outRoot.remove();
  }
}

function spread(summary: { median: number; min: number; max: number }) {
  return { value: summary.median, min: summary.min, max: summary.max };
}
