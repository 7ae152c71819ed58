/**
 * `journeytrace` (the web SDK) as an app team gets it: `npm pack`ed, installed from the tarball
 * into a new app next to the oldest `@opentelemetry/api` and `zone.js` its peer ranges allow (an
 * Angular-style app loads its own zone.js first), type-checked (strict) against the published
 * declarations, bundled with esbuild, and run in Chromium, where the app's API and the SDK share
 * one tracer provider and one zone.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { ensureChromium } from '@journeytrace/tooling/setup/chromium.js';
import { packageCopies } from '@journeytrace/tooling/lib/packageCopies.js';
import { createConsumerProject, exportedFiles, lowestAllowed, readManifest, type ConsumerProject } from './consumerProject.js';

const manifest = readManifest('web-sdk');

const CONSUMER_APP = `import 'zone.js'; // the app's own zone.js, first, as Angular apps load it
import { context, trace } from '@opentelemetry/api';
import { init, type JourneyTrace } from 'journeytrace';
import { xhr } from 'journeytrace/features';
import { zoneContextManager } from 'journeytrace/zone';

const journey: JourneyTrace = init({
  serviceName: 'consumer-web',
  relayUrl: 'http://127.0.0.1:9',
  contextManager: zoneContextManager(),
  interactions: false,
  documentLoad: false,
  webVitals: false,
  features: [xhr()],
});
const outer = trace.getTracer('consumer').startSpan('outer');
// An XMLHttpRequest to the page's own origin, traced with xhr(): it carries the span's traceparent.
const ping = () =>
  new Promise<void>((resolve) => {
    const request = new XMLHttpRequest();
    request.open('GET', '/ping');
    request.onloadend = () => resolve();
    request.send();
  });
// A promise chain and a timer, with no await: the zone carries the span through both.
context
  .with(trace.setSpan(context.active(), outer), () =>
    Promise.resolve()
      .then(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))
      .then(() => trace.getActiveSpan() === outer)
      .then((kept) => ping().then(() => kept)),
  )
  .then((kept) => {
    outer.end();
    (window as unknown as { consumerResult: unknown }).consumerResult = { kept, recording: outer.spanContext().traceFlags === 1, sessionId: journey.sessionId, traceId: outer.spanContext().traceId };
  });
`;

describe('journeytrace (web SDK), packed and installed into a new app', () => {
  const peers = {
    '@opentelemetry/api': lowestAllowed(manifest.peerDependencies['@opentelemetry/api']),
    'zone.js': lowestAllowed(manifest.peerDependencies['zone.js']),
  };
  let project: ConsumerProject;
  let bundle = '';

  before(async () => {
    project = await createConsumerProject('web-sdk', peers);
    project.write('app.ts', CONSUMER_APP);
  });
  after(() => project?.remove());

  it('ships the built modules, their declarations and the script-tag build, and no tests', () => {
    for (const file of exportedFiles(manifest)) assert.ok(project.packedFiles.includes(file), `${file} is in the package`);
    assert.deepEqual(
      project.packedFiles.filter((file) => /^src\/|\.test\./.test(file)),
      [],
    );
  });

  it('type-checks an app written against it (strict, declarations only)', async () => {
    const result = await project.typecheck(['app.ts']);
    assert.equal(result.code, 0, result.output);
  });

  it(`bundles with one copy each of @opentelemetry/api ${peers['@opentelemetry/api']} and zone.js ${peers['zone.js']}, the app's own`, async () => {
    const result = await build({
      absWorkingDir: project.dir,
      entryPoints: ['app.ts'],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2016', // zone.js follows promise chains, not native async/await
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    bundle = result.outputFiles[0]!.text;
    const copies = packageCopies(Object.keys(result.metafile.inputs));
    for (const name of ['@opentelemetry/api', 'zone.js']) assert.deepEqual([...(copies.get(name) ?? [])], [`node_modules/${name}`], name);
    // OpenTelemetry JS pins its packages to each other exactly: a range here would nest a second core.
    for (const [name, folders] of copies) assert.equal(folders.size, 1, `${name}: ${[...folders].join(', ')}`);
  });

  it("runs in Chromium: the app's spans come from the SDK's provider and keep their context in the zone; an XHR carries it with xhr()", async () => {
    assert.ok(bundle, 'the bundle was built');
    const pings: Array<string | undefined> = [];
    const server: Server = createServer((request, response) => {
      if (request.url === '/ping') {
        pings.push(request.headers.traceparent as string | undefined);
        response.writeHead(200, { 'content-type': 'text/plain' }).end('pong');
      } else if (request.url === '/app.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      else
        response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><head><script src="/app.js"></script></head><body></body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const browser = await chromium.launch({ executablePath: await ensureChromium(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const result = await page.waitForFunction(() => (window as unknown as { consumerResult?: unknown }).consumerResult, undefined, { timeout: 10_000 });
      const { kept, recording, sessionId, traceId } = (await result.jsonValue()) as { kept: boolean; recording: boolean; sessionId: string; traceId: string };
      assert.deepEqual(errors, []);
      assert.equal(recording, true, "the app's tracer is the SDK's (a sampled span, not the API's no-op)");
      assert.equal(kept, true, 'the span stays active through the promise chain and the timer');
      assert.match(sessionId, /^[0-9a-f]{32}$/);
      assert.equal(pings.length, 1);
      assert.match(pings[0] ?? '', new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`), "the XHR (xhr() feature) carried the app span's trace");
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
