/**
 * examples/ as a user has them: each project copied to a new folder beside this run's `npm pack`
 * tarballs of the five packages (named in its package.json, never workspace links), installed
 * with npm, type-checked (strict), built, and run once: the SPA, the script-tag page and the SSR
 * page in Chromium against a stand-in edge that records the spans they export and the trace
 * headers they send; the worker through `wrangler types`; the Playwright suite against the whole
 * stack its own config starts (the origin, `wrangler dev`, the app) and the kit's built-in OTLP
 * receiver, with no collector binary anywhere. The kit README's recipe is that suite's files, verbatim.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { lastLines, run } from '@journeytrace/tooling/lib/run.js';
import { ensureChromium } from '@journeytrace/tooling/setup/chromium.js';
import { freePort } from '@journeytrace/tooling/stack/ports.js';
import { startService } from '@journeytrace/tooling/stack/service.js';
import { packTarball } from './consumerProject.js';

const EXAMPLES = join(ROOT, 'examples');
/**
 * The workspaces behind `@journeytrace/contract`, `journeytrace`, `@journeytrace/edge`,
 * `@journeytrace/node` and `@journeytrace/playwright`. The contract is a dependency of the others:
 * until it is published, a project names its tarball beside theirs.
 */
const PACKAGES = ['contract', 'web-sdk', 'edge-worker', 'node-sdk', 'test/playwright-kit'];
const PROJECTS = ['spa', 'ssr', 'script-tag', 'worker', 'e2e'];
/** What a user's checkout has but a copy must not take along: installs, builds, outputs, secrets. */
const NOT_COPIED = new Set([
  'node_modules',
  'dist',
  'build',
  '.react-router',
  'package-lock.json',
  '.dev.vars',
  'worker-configuration.d.ts',
  '.wrangler',
  'test-results',
]);
/** Collector binaries a suite could start by name: the suite's PATH has stand-ins that leave a mark if run. */
const COLLECTOR_NAMES = ['otelcol', 'otelcol-contrib', 'otelcol-journeytrace'];
/** wrangler 4.16x (the worker, the suite's `wrangler dev`) needs 22.12; the suite's origin, TypeScript run by node itself, 22.18. */
const MINIMUM_NODE = [22, 18] as const;
const SPAN_WAIT_MILLIS = 15_000;

describe("examples/, installed from this run's tarballs", () => {
  let workspace = '';
  let env: NodeJS.ProcessEnv = {};
  let browser: Browser | undefined;
  const inProject = (name: string, ...path: string[]) => join(workspace, name, ...path);
  const npm = async (name: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const result = await run('npm', args, {
      cwd: inProject(name),
      env: { ...env, ...extraEnv },
      logFile: inProject(name, `npm-${args[0]}-${args[1] ?? ''}.log`),
    });
    assert.equal(result.code, 0, `${name}: npm ${args.join(' ')} failed:\n${lastLines(result.output, 40)}`);
    return result.output;
  };

  before(async () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    assert.ok(
      major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]),
      `the examples need Node >= ${MINIMUM_NODE.join('.')}; this is ${process.version}`,
    );
    workspace = mkdtempSync(join(tmpdir(), 'jt-examples-'));
    const packs = join(workspace, '.packs');
    mkdirSync(packs);
    for (const dir of PACKAGES) packTarball(dir, packs);
    for (const name of PROJECTS) cpSync(join(EXAMPLES, name), inProject(name), { recursive: true, filter: (source) => !NOT_COPIED.has(basename(source)) });
    // As the worker's README says: the development secret from the example file.
    copyFileSync(inProject('worker', '.dev.vars.example'), inProject('worker', '.dev.vars'));
    // npm, npx and wrangler run on this Node, not on whichever the PATH finds first.
    env = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, WRANGLER_SEND_METRICS: 'false', CI: '1' };
    delete env.VITE_EDGE_URL;
    // npm's cache makes these quick after the first run.
    await Promise.all(PROJECTS.map((name) => npm(name, ['install', '--no-audit', '--no-fund', '--prefer-offline'])));
    browser = await chromium.launch({ executablePath: await ensureChromium(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  after(async () => {
    await browser?.close();
    // rm, not rmSync: half a gigabyte of node_modules goes several times faster.
    if (workspace) await run('rm', ['-rf', workspace]);
  });

  it('each project installed the packages from the tarballs, not from the workspaces', () => {
    for (const name of PROJECTS) {
      const manifest = JSON.parse(readFileSync(inProject(name, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      const kit = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(([dependency]) =>
        /^(journeytrace|@journeytrace\/)/.test(dependency),
      );
      assert.ok(kit.length > 0, `${name} uses the kit`);
      for (const [dependency, spec] of kit) {
        assert.match(spec, /^file:\.\.\/\.packs\/.+\.tgz$/, `${name}: ${dependency}`);
        assert.ok(existsSync(inProject(name, spec.slice('file:'.length))), `${name}: ${spec} is a tarball this run packed`);
      }
    }
  });

  it('SPA (Vite, React, React Router): type-checks, builds, and traces a route change and the checkout step in Chromium', async () => {
    await npm('spa', ['run', 'typecheck']);
    await npm('spa', ['run', 'build']);
    const edge = await startStandInEdge(inProject('spa', 'dist'));
    try {
      const page = await newPage(browser!);
      await page.goto(`${edge.url}/`);
      await page.getByTestId('to-cart').click();
      await page.getByTestId('checkout').click();
      await assertCheckoutTraced(page, edge);
      await edge.waitForSpans(['route change']);
    } finally {
      await edge.close();
    }
  });

  it('script tag: the page takes journeytrace.iife.js from the installed package and traces the checkout step', async () => {
    await npm('script-tag', ['run', 'build']);
    assert.deepEqual(
      readFileSync(inProject('script-tag', 'dist', 'journeytrace.iife.js')),
      readFileSync(inProject('script-tag', 'node_modules', 'journeytrace', 'dist', 'journeytrace.iife.js')),
    );
    const edge = await startStandInEdge(inProject('script-tag', 'dist'));
    try {
      const page = await newPage(browser!);
      await page.goto(`${edge.url}/`);
      await page.getByTestId('checkout').click();
      await assertCheckoutTraced(page, edge);
    } finally {
      await edge.close();
    }
  });

  it('SSR (React Router framework mode): the server evaluates the SDK while rendering, and the page traces once hydrated', async () => {
    await npm('ssr', ['run', 'typecheck']);
    await npm('ssr', ['run', 'build']);
    assert.match(
      readFileSync(inProject('ssr', 'build', 'server', 'index.js'), 'utf8'),
      /from ['"]journeytrace['"]/,
      'the server imports the installed package, not a bundled copy',
    );
    const edge = await startStandInEdge();
    const port = await freePort();
    const server = await startService({
      name: 'ssr-example',
      command: 'npm',
      args: ['start'],
      cwd: inProject('ssr'),
      env: { ...env, HOST: '127.0.0.1', PORT: String(port), EDGE_URL: edge.url },
      logFile: inProject('ssr', 'server.log'),
      readyUrl: `http://127.0.0.1:${port}/`,
    });
    try {
      const html = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.match(html, /<button[^>]* data-testid="checkout"[^>]*>Check out<\/button>/, 'rendered on the server');
      const page = await newPage(browser!);
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.locator('main[data-hydrated=true]').waitFor();
      await page.getByTestId('checkout').click();
      await assertCheckoutTraced(page, edge);
    } finally {
      await server.stop();
      await edge.close();
    }
    assert.doesNotMatch(readFileSync(inProject('ssr', 'server.log'), 'utf8'), /error/i, 'the server rendered without errors');
  });

  it('worker (Hono, wrangler.jsonc): `wrangler types` makes its Env, and it type-checks with trace(), verifyUser and the relay on that Env', async () => {
    await npm('worker', ['run', 'typecheck']);
    const generated = readFileSync(inProject('worker', 'worker-configuration.d.ts'), 'utf8');
    assert.match(generated, /SESSION_SECRET: string;/, 'the secret wrangler.jsonc requires is in Env');
    assert.doesNotMatch(readFileSync(inProject('worker', 'src', 'index.ts'), 'utf8'), /\bas (Env|unknown|any)\b/, 'no casts');
  });

  it("Playwright suite: the SPA's checkout through `wrangler dev` to the origin is one trace at the kit's receiver, with no collector binary", async () => {
    await npm('e2e', ['run', 'typecheck']);
    assert.ok(!existsSync(inProject('e2e', 'collector.yaml')), 'no collector config');
    assert.doesNotMatch(readFileSync(inProject('e2e', 'playwright.config.ts'), 'utf8'), /otelcol|OTELCOL_BIN|collector/i, 'the config starts no collector');
    const ports = Object.fromEntries(
      await Promise.all(['RECEIVER_PORT', 'EDGE_PORT', 'EDGE_INSPECTOR_PORT', 'ORIGIN_PORT', 'APP_PORT'].map(async (name) => [name, String(await freePort())])),
    ) as Record<string, string>;
    // No OTELCOL_BIN, and any collector started by name runs a stand-in that leaves a mark and fails.
    const shims = inProject('e2e', '.no-collector');
    const marks = join(shims, 'started');
    mkdirSync(shims);
    for (const name of COLLECTOR_NAMES) {
      writeFileSync(join(shims, name), `#!/bin/sh\necho "$0" >> "${marks}"\nexit 1\n`);
      chmodSync(join(shims, name), 0o755);
    }
    const suiteEnv: NodeJS.ProcessEnv = { ...env, ...ports, CHROMIUM_PATH: await ensureChromium(), PATH: `${shims}${delimiter}${env.PATH ?? ''}` };
    delete suiteEnv.OTELCOL_BIN;
    const result = await run('npm', ['test'], { cwd: inProject('e2e'), env: suiteEnv, logFile: inProject('e2e', 'npm-test-.log') });
    assert.equal(result.code, 0, `e2e: npm test failed:\n${lastLines(result.output, 40)}`);
    assert.match(result.output, /\b1 passed\b/);
    assert.ok(!existsSync(marks), `no collector was started: ${existsSync(marks) ? readFileSync(marks, 'utf8') : ''}`);
  });

  it("the kit's README gives the suite's playwright.config.ts and global-setup.ts verbatim", () => {
    const readme = readFileSync(join(ROOT, 'test', 'playwright-kit', 'README.md'), 'utf8');
    for (const file of ['playwright.config.ts', 'global-setup.ts']) {
      const text = readFileSync(join(EXAMPLES, 'e2e', file), 'utf8');
      assert.ok(readme.includes(`\`\`\`ts\n// e2e/${file}\n${text}\`\`\``), `test/README.md holds examples/e2e/${file} as it is`);
    }
  });
});

const pageErrors = new WeakMap<Page, string[]>();

async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (error) => errors.push(error.message));
  return page;
}

/** The step's result on the page, the trace headers its fetch carried, and its span exported. */
async function assertCheckoutTraced(page: Page, edge: StandInEdge): Promise<void> {
  const result = page.getByTestId('result');
  await result.getByText('order placed').waitFor();
  const traceId = await result.getAttribute('data-trace-id');
  assert.match(traceId ?? '', /^[0-9a-f]{32}$/);
  assert.match(edge.checkoutTraceparents.at(-1) ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[13]$`), "the checkout fetch carried the step's trace");
  await edge.waitForSpans(['checkout']);
  assert.deepEqual(pageErrors.get(page), [], 'the page threw nothing');
}

interface StandInEdge {
  url: string;
  /** `traceparent` of each `POST /api/checkout`. */
  checkoutTraceparents: string[];
  /** Resolves once spans with these names were exported to `/v1/traces`. */
  waitForSpans(names: string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * What the pages need of an edge: `/api/session`, `/api/checkout` and the span relay
 * (`/v1/traces`, OTLP/JSON, gzip or not), CORS for any origin, and the page's files.
 */
async function startStandInEdge(staticDir?: string): Promise<StandInEdge> {
  const spanNames = new Set<string>();
  const checkoutTraceparents: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const origin = request.headers.origin;
    if (origin) response.setHeader('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS') {
      return void response
        .writeHead(204, { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '' })
        .end();
    }
    const path = new URL(request.url ?? '/', 'http://edge').pathname;
    const body = await readBody(request);
    if (request.method === 'POST' && path === '/v1/traces') {
      for (const name of exportedSpanNames(body)) spanNames.add(name);
      return void response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
    if (request.method === 'POST' && path === '/api/session')
      return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"stand-in"}');
    if (request.method === 'POST' && path === '/api/checkout') {
      checkoutTraceparents.push(String(request.headers.traceparent ?? ''));
      return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
    if (staticDir && request.method === 'GET') {
      // The page's files; any other path is the SPA's (client-side routes).
      const file = join(staticDir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
      const served = existsSync(file) && extname(file) ? file : join(staticDir, 'index.html');
      return void response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(served)] ?? 'application/octet-stream' }).end(readFileSync(served));
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    checkoutTraceparents,
    waitForSpans: async (names) => {
      const deadline = Date.now() + SPAN_WAIT_MILLIS;
      while (!names.every((name) => spanNames.has(name))) {
        if (Date.now() > deadline)
          assert.fail(`spans ${names.join(', ')} were not all exported within ${SPAN_WAIT_MILLIS} ms; exported: ${[...spanNames].join(', ') || 'none'}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

function exportedSpanNames(body: Buffer): string[] {
  const request = JSON.parse(body.toString('utf8')) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ name?: string }> }> }> };
  return (request.resourceSpans ?? []).flatMap((resource) =>
    (resource.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => span.name ?? '')),
  );
}
