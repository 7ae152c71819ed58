/**
 * Where an edge worker's CPU goes, per request, in workerd: `node --import tsx bench/profile-edge.ts
 * [variant ...]` (default: journeytrace minimalTracer untraced, the edge section's variants).
 * Each variant is bundled as the edge bench bundles it but not minified, run by Miniflare with
 * its inspector open, warmed up, then sampled by V8's CPU profiler (the inspector's `Profiler`
 * domain) over `REQUESTS` checkouts sent as the edge bench sends them. Self time is summed per
 * bundled module (esbuild's `// path` markers) and per function, and printed in µs per request.
 * A diagnostic for the edge section's figures, not a benchmark: the sampler adds its own cost.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { DATA_DIR } from '@journeytrace/tooling/lib/paths.js';
import { freePort } from '@journeytrace/tooling/stack/ports.js';
import { BAGGAGE, bundle, COMPATIBILITY_DATE, startLoopbackServers, VARIANTS, type Variant } from './edge.bench.js';
import { ensureAnchor, scratchDir } from '@journeytrace/tooling/bench/anchors.js';
import { keepAliveAgent, postCheckout, runBounded } from '@journeytrace/tooling/bench/load.js';

const WARMUP_REQUESTS = 500;
const REQUESTS = 4000;
const CONCURRENCY = 8;
const SAMPLING_INTERVAL_MICROS = 50;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A minimal Chrome DevTools protocol client over the inspector's WebSocket. */
async function inspector(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id !== undefined) pending.get(message.id)?.(message.error ? Promise.reject(new Error(message.error.message)) : message.result);
  });
  return {
    send: <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve as (result: unknown) => void);
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/** The bundle's module of each line: esbuild starts each with a `// <path>` comment. */
function moduleOfLine(script: string): (line: number) => string {
  const starts: Array<{ line: number; module: string }> = [];
  script.split('\n').forEach((text, line) => {
    const marker = /^\/\/ (\S+\.(?:m?js|ts))$/.exec(text);
    if (marker) starts.push({ line, module: shortModule(marker[1]!) });
  });
  return (line) => {
    let found = '(worker source)';
    for (const start of starts) {
      if (start.line > line) break;
      found = start.module;
    }
    return found;
  };
}

/** `../node_modules/@opentelemetry/api/build/esm/x.js` -> `@opentelemetry/api/x.js`; edge-worker/dist/... kept. */
function shortModule(path: string): string {
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?:build\/esm\/|dist\/(?:esm\/|cjs\/)?)?(.*)$/.exec(path);
  if (packaged) return `${packaged[1]}/${packaged[2]}`;
  const edge = /edge-worker\/dist\/(.*)$/.exec(path);
  return edge ? `@journeytrace/edge/${edge[1]}` : path.replace(/^(\.\.\/)+/, '');
}

function selfTimes(profile: Profile, moduleOf: (line: number) => string, requests: number) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => void selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)!.callFrame;
    const isWorker = frame.url.length > 0 && frame.lineNumber >= 0;
    const module = isWorker ? moduleOf(frame.lineNumber) : frame.functionName || '(native)';
    if (module === '(idle)') continue;
    total += micros;
    byModule.set(module, (byModule.get(module) ?? 0) + micros);
    const name = `${frame.functionName || '(anonymous)'} [${module}${isWorker ? `:${frame.lineNumber + 1}` : ''}]`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, micros]) => `${(micros / requests).toFixed(1).padStart(8)} µs  ${name}`)
      .join('\n');
  return { totalPerRequest: total / requests, modules: top(byModule, 60), functions: top(byFunction, 60) };
}

async function profileVariant(variant: Variant, home: string, outRoot: string, servers: { origin: string; sink: string }): Promise<void> {
  const built = await bundle(variant, home, outRoot, { minify: false });
  const inspectorPort = await freePort();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      name: 'profiled',
      host: '127.0.0.1',
      port: await freePort(),
      inspectorPort,
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
  const agent = keepAliveAgent(CONCURRENCY);
  try {
    const url = new URL('/api/checkout', (await mf.ready).toString());
    const load = (count: number) => runBounded(count, CONCURRENCY, async () => void (await postCheckout(agent, url, BAGGAGE)));
    await load(WARMUP_REQUESTS);
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as Array<{
      webSocketDebuggerUrl: string;
      title?: string;
      id?: string;
    }>;
    const target = targets.find((candidate) => /profiled/.test(`${candidate.id} ${candidate.title} ${candidate.webSocketDebuggerUrl}`)) ?? targets[0];
    if (!target) throw new Error('the worker has no inspector target');
    const client = await inspector(target.webSocketDebuggerUrl);
    await client.send('Profiler.enable');
    await client.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_MICROS });
    await client.send('Profiler.start');
    await load(REQUESTS);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // Exports in waitUntil, up to 1 s later.
    const { profile } = await client.send<{ profile: Profile }>('Profiler.stop');
    client.close();
    const times = selfTimes(profile, moduleOfLine(readFileSync(built.script, 'utf8')), REQUESTS);
    process.stdout.write(
      `\n## ${variant.label}\nsampled JS-thread time per request (idle left out): ${times.totalPerRequest.toFixed(1)} µs\n\n### by module\n${times.modules}\n\n### by function\n${times.functions}\n`,
    );
  } finally {
    agent.destroy();
    await mf.dispose();
  }
}

const wanted = process.argv.slice(2);
const keys = wanted.length > 0 ? wanted : ['journeytrace', 'minimalTracer', 'untraced'];
const anchorDir = await ensureAnchor('edge');
const outRoot = scratchDir(join(DATA_DIR, 'bench'), 'edge-profile');
const servers = await startLoopbackServers();
try {
  for (const key of keys) {
    const variant = VARIANTS.find((candidate) => candidate.key === key);
    if (!variant) throw new Error(`no edge variant ${key} (${VARIANTS.map((candidate) => candidate.key).join(', ')})`);
    await profileVariant(variant, variant.home === 'root' ? join(DATA_DIR, 'bench') : anchorDir, outRoot.path, servers);
  }
} finally {
  servers.child.kill('SIGTERM');
  outRoot.remove();
}
