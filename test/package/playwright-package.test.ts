/**
 * `@journeytrace/playwright` as an app team gets it: `npm pack`ed, installed from the tarball into
 * a new project next to the oldest `@playwright/test` its peer range allows, type-checked
 * (strict) against the published declarations, and used by a Playwright test in Chromium: the
 * `journey` fixture takes the trace id from the page's `Server-Timing` and finds that trace in a
 * file in the collector's file-exporter format; a trace that never arrives fails with the page's
 * span exports and what the endpoint answered.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '@journeytrace/tooling/lib/run.js';
import { ensureChromium } from '@journeytrace/tooling/setup/chromium.js';
import { createConsumerProject, exportedFiles, lowestAllowed, readManifest, type ConsumerProject } from './consumerProject.js';

const manifest = readManifest('test/playwright-kit');
const TRACE_ID = randomBytes(16).toString('hex');
const EDGE_SPAN_ID = randomBytes(8).toString('hex');
const ORIGIN_SPAN_ID = randomBytes(8).toString('hex');

/** One line as the collector's file exporter writes it (OTLP/JSON): an edge span and the origin's under it. */
function exportLine(): string {
  const nanos = (millis: number) => `${BigInt(Date.now() + millis) * 1_000_000n}`;
  const resourceSpans = (service: string, spanId: string, parentSpanId: string, name: string) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [
      {
        scope: { name: 'test' },
        spans: [{ traceId: TRACE_ID, spanId, parentSpanId, name, kind: 2, startTimeUnixNano: nanos(0), endTimeUnixNano: nanos(40), status: {} }],
      },
    ],
  });
  return JSON.stringify({
    resourceSpans: [
      resourceSpans('edge-worker', EDGE_SPAN_ID, '', 'POST /api/checkout'),
      resourceSpans('checkout-api', ORIGIN_SPAN_ID, EDGE_SPAN_ID, 'POST /checkout'),
    ],
  });
}

const SPEC = `import { expect, test, type JourneyTrace } from '@journeytrace/playwright';

test.use({ tracesFile: 'traces.jsonl', traceTimeoutMillis: 10_000, traceSettleMillis: 200 });

test('the journey fixture finds the trace the page announced', async ({ page, journey }) => {
  await page.route('http://shop.test/', (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', headers: { 'server-timing': 'traceparent;desc="00-${TRACE_ID}-${EDGE_SPAN_ID}-01"' }, body: '<p>shop</p>' }),
  );
  await page.goto('http://shop.test/');
  expect(journey.announcedTraceIds).toEqual(['${TRACE_ID}']);
  const trace: JourneyTrace = await journey.trace();
  trace.expectChain({ service: 'edge-worker', kind: 'SERVER' }, { service: 'checkout-api', kind: 'SERVER' });
});

// Fails on purpose (run on its own): the failure must say what the page sent and was answered.
test('refused spans: the page sends its spans and the endpoint refuses them', async ({ page, journey }) => {
  await page.route('http://shop.test/v1/traces', (route) => route.fulfill({ status: 400, body: 'span "checkout": ends before it starts' }));
  await page.route('http://shop.test/hung/v1/traces', () => {}); // never answered
  await page.route('http://shop.test/', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<script>fetch("/hung/v1/traces", { method: "POST", body: "{}" }); fetch("/v1/traces", { method: "POST", body: "{}" }).then(() => console.warn("journeytrace: spans dropped"))</script>',
    }),
  );
  await page.goto('http://shop.test/');
  await journey.trace('${'0'.repeat(31)}1', { timeoutMillis: 2_000 });
});

test.describe('no collector', () => {
  // journey.trace() reads what the worker's built-in OTLP receiver kept.
  test.use({ traceSource: async ({ otlpReceiver }, use) => use(otlpReceiver), traceSettleMillis: 200 });

  test('the built-in receiver keeps what a service exports to OTEL_EXPORTER_OTLP_ENDPOINT', async ({ page, journey, otlpReceiver }) => {
    const exported = await fetch(\`\${otlpReceiver.env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces\`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: ${JSON.stringify(exportLine())},
    });
    expect(exported.status).toBe(200);
    await page.route('http://shop.test/', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', headers: { 'server-timing': 'traceparent;desc="00-${TRACE_ID}-${EDGE_SPAN_ID}-01"' }, body: '<p>shop</p>' }),
    );
    await page.goto('http://shop.test/');
    const trace = await journey.trace();
    trace.expectChain({ allowIntermediate: true }, { service: 'edge-worker', kind: 'SERVER' }, { service: 'checkout-api', kind: 'SERVER' });
    trace.expectShape('edge-worker SERVER POST /api/checkout\\n  checkout-api SERVER POST /checkout');
  });
});
`;

describe('@journeytrace/playwright, packed and installed into a new project', () => {
  const playwright = lowestAllowed(manifest.peerDependencies['@playwright/test']);
  let project: ConsumerProject;

  before(async () => {
    // @types/node as every Playwright project has it (Playwright's own types need it).
    project = await createConsumerProject('test/playwright-kit', { '@playwright/test': playwright, '@types/node': '^24.19.0' });
    project.write('journey.spec.ts', SPEC);
    project.write('traces.jsonl', `${exportLine()}\n`);
    project.write(
      'playwright.config.ts',
      `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: '.',
  reporter: 'line',
  use: { browserName: 'chromium', launchOptions: { executablePath: ${JSON.stringify(await ensureChromium())}, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] } },
});
`,
    );
  });
  after(() => project?.remove());

  it("ships the built modules and their declarations, and none of the repository's own tests", () => {
    for (const file of exportedFiles(manifest)) assert.ok(project.packedFiles.includes(file), `${file} is in the package`);
    assert.deepEqual(
      project.packedFiles.filter((file) => /\.ts$/.test(file) && !/\.d\.ts$/.test(file)),
      [],
    );
    assert.deepEqual(
      project.packedFiles.filter((file) => /journeys\/|property\/|load\/|\.test\./.test(file)),
      [],
    );
  });

  it('type-checks a test written against it (strict, declarations only)', async () => {
    const result = await project.typecheck(['journey.spec.ts'], { lib: ['esnext', 'dom'], types: ['node'] });
    assert.equal(result.code, 0, result.output);
  });

  it(`runs in a Playwright ${playwright} test in Chromium: the journey fixture finds the announced trace`, async () => {
    const result = await runSpec('announced');
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /1 passed/);
  });

  it("with no collector: the built-in receiver takes a service's export and the journey fixture reads it", async () => {
    const result = await runSpec('built-in receiver');
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /1 passed/);
  });

  it('a journey that never arrives fails with what the page sent and was answered, in the error and as an attachment', async () => {
    const result = await runSpec('refused');
    assert.equal(result.code, 1, result.output);
    // The error carries the whole line; the reporter cuts attachment lines to the terminal's width.
    assert.match(result.output, /the page's span exports:\n(.*\n)*.*POST http:\/\/shop\.test\/v1\/traces → 400 span "checkout": ends before it starts/);
    // The attachment opens with a summary (Playwright prints its first 300 characters).
    assert.match(
      result.output,
      /attachment #\d+: span exports \(text\/plain\)[^\n]*\n\s*2 span export\(s\): 400 ×1 \(span "checkout": ends before it starts\), unanswered ×1;/,
    );
    assert.match(result.output, /POST http:\/\/shop\.test\/hung\/v1\/traces → no answer yet/);
    assert.match(result.output, /console warning: journeytrace: spans dropped/);
    // Chromium's own console line for the refused export would only repeat it.
    assert.doesNotMatch(result.output, /Failed to load resource: the server responded with a status of 400/);
  });

  const runSpec = (grep: string) =>
    run(process.execPath, [join(project.dir, 'node_modules/@playwright/test/cli.js'), 'test', '--grep', grep], {
      cwd: project.dir,
      logFile: join(project.dir, `playwright-${grep}.log`),
    });
});
