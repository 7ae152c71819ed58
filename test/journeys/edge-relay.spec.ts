/**
 * The edge's browser-span relay in workerd (wrangler dev), forwarding to the real collector:
 * bad requests are refused with the contract's statuses and never reach the collector, good
 * ones arrive filtered and clock-corrected, and the worker keeps serving throughout.
 *
 * It runs its own edge worker (same code, wrangler dev) with a low rate limit, so exhausting
 * the limit here cannot starve the other journeys' browsers.
 */
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { browserSpans, jsonBody, protobufBody } from '@journeytrace/tooling/fixtures/testSpans.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { startWranglerDev, type RunningWorker } from '@journeytrace/tooling/stack/wranglerDev.js';
import { readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { commandLine, processesInGroup, rssMiB } from '@journeytrace/tooling/load/processMemory.js';
import { recordFigure } from '@journeytrace/tooling/reliability/figures.js';
import { isPreflight, recordNetwork } from './support/network.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};

const SHOP = 'http://shop.relay.test';
const RATE_LIMIT_PER_MINUTE = 40;
// Room on the wire for a gzip bomb of 300 MiB (deflate expands at most 1032:1).
const MAX_BODY_BYTES = 512 * 1024;

let edge: RunningWorker;
let edgeUrl: string;

test.beforeAll(async () => {
  edge = await startWranglerDev({
    name: 'edge-relay',
    cwd: join(ROOT, 'demo-app/edge'),
    runDir: join(env('JOURNEYTRACE_RUN_DIR'), 'edge-relay'),
    vars: {
      OTEL_EXPORTER_OTLP_ENDPOINT: env('JOURNEYTRACE_COLLECTOR_URL'),
      ALLOWED_ORIGINS: SHOP,
      JOURNEYTRACE_RELAY_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT_PER_MINUTE),
      JOURNEYTRACE_RELAY_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    },
  });
  edgeUrl = edge.url;
});

test.afterAll(async () => {
  await edge?.stop();
});

function relay(body: BodyInit, headers: Record<string, string> = {}, query = '') {
  return fetch(`${edgeUrl}/v1/traces${query}`, {
    method: 'POST',
    headers: { origin: SHOP, 'content-type': 'application/json', ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * POSTs `first` and then `chunks` x 16 KiB of spaces chunked, without a Content-Length, and
 * resolves with the status as soon as the answer comes. (A body far beyond the limit and the
 * relay's bounded drain may see a reset instead: that case is covered by the unit tests.)
 */
function postStreamed(first: Uint8Array, chunks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL('/v1/traces', edgeUrl);
    const request = httpRequest(url, { method: 'POST', headers: { origin: SHOP, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error) => setTimeout(() => reject(error), 2_000)); // a reset after the answer is fine
    request.write(first);
    let written = 0;
    const writeMore = () => {
      while (written < chunks) {
        written += 1;
        if (!request.write(new Uint8Array(16 * 1024).fill(0x20))) return void request.once('drain', writeMore);
      }
      request.end();
    };
    writeMore();
  });
}

/** gzip of `expandedBytes` zeros, made a MiB at a time: only the small bomb is ever held. */
async function gzipBomb(expandedBytes: number): Promise<Uint8Array> {
  const zeros = new Uint8Array(1024 * 1024);
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = once(gzip, 'end');
  for (let written = 0; written < expandedBytes; written += zeros.byteLength) if (!gzip.write(zeros)) await once(gzip, 'drain');
  gzip.end();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}

/** The workerd running the worker (wrangler dev starts two: the worker's, with the inspector, and its dev proxy). */
function workerProcess(): number | undefined {
  return edge.pid ? processesInGroup(edge.pid, 'workerd').find((pid) => commandLine(pid).includes('--inspector-addr')) : undefined;
}

const gzip = async (bytes: Uint8Array) =>
  new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());

/** A fresh browser batch (new trace id) as the SDK's serializers write it. */
async function batch(startMillis = Date.now() - 1_000) {
  const spans = await browserSpans(startMillis);
  return { traceId: spans[0]!.spanContext().traceId, json: jsonBody(spans), protobuf: protobufBody(spans) };
}

async function keptSpans(traceId: string, count: number): Promise<KeptSpan[]> {
  let spans: KeptSpan[] = [];
  await expect
    .poll(
      async () => {
        spans = (await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'))).filter((span) => span.traceId === traceId);
        return spans.length;
      },
      {
        timeout: 20_000,
        message: `the collector keeps ${count} spans of trace ${traceId}`,
      },
    )
    .toBe(count);
  return spans;
}

test('relays good batches to the collector, filtered and clock-corrected; refuses bad ones, which never reach it', async () => {
  const rejectedTraceIds: string[] = [];
  const expectRefused = async (response: Promise<Response>, status: number, traceId: string, reason?: RegExp) => {
    const answer = await response;
    expect(answer.status, `${traceId}: ${await answer.clone().text()}`).toBe(status);
    if (reason) expect(await answer.text()).toMatch(reason);
    rejectedTraceIds.push(traceId);
  };

  // 403 first: a foreign origin is refused whatever it sends.
  const foreign = await batch();
  await expectRefused(relay(foreign.json as Uint8Array<ArrayBuffer>, { origin: 'http://evil.test' }), 403, foreign.traceId);
  // 415: text/plain (what a careless sendBeacon sends), and an unknown encoding.
  const text = await batch();
  await expectRefused(relay(text.json as Uint8Array<ArrayBuffer>, { 'content-type': 'text/plain' }), 415, text.traceId);
  const brotli = await batch();
  await expectRefused(relay(brotli.json as Uint8Array<ArrayBuffer>, { 'content-encoding': 'br' }), 415, brotli.traceId);
  // 413: a body over the limit, with a length and streamed without one.
  const huge = await batch();
  const padded = new TextEncoder().encode(
    new TextDecoder().decode(huge.json).replace('"resourceSpans"', `"pad":"${'x'.repeat(MAX_BODY_BYTES)}","resourceSpans"`),
  );
  await expectRefused(relay(padded as Uint8Array<ArrayBuffer>), 413, huge.traceId);
  expect(await postStreamed(huge.json, MAX_BODY_BYTES / (16 * 1024) + 8), 'streamed without Content-Length').toBe(413);
  // 400: garbage, truncated protobuf, and a corrupt gzip whose readable prefix is a valid batch.
  await expectRefused(relay('{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "'), 400, 'garbage', /invalid OTLP JSON/);
  const truncated = await batch();
  await expectRefused(
    relay(truncated.protobuf.subarray(0, truncated.protobuf.length - 5) as Uint8Array<ArrayBuffer>, { 'content-type': 'application/x-protobuf' }),
    400,
    truncated.traceId,
    /invalid OTLP protobuf/,
  );
  const corrupt = await batch();
  const corruptGzip = await gzip(corrupt.json);
  const crcAt = corruptGzip.length - 6;
  corruptGzip[crcAt] = corruptGzip[crcAt]! ^ 0xff; // breaks the CRC trailer: every byte of the JSON still inflates
  await expectRefused(relay(corruptGzip as Uint8Array<ArrayBuffer>, { 'content-encoding': 'gzip' }), 400, corrupt.traceId, /not valid gzip/);

  // The worker still serves.
  expect((await fetch(`${edgeUrl}/health`)).status).toBe(200);

  // Good: JSON with a laptop clock 2 minutes slow (and a NaN, which proto3 JSON writes as a
  // string), and gzip-compressed protobuf.
  const skewMillis = 120_000;
  const slowLaptop = await batch(Date.now() - 1_000 - skewMillis);
  const withNaN = new TextDecoder().decode(slowLaptop.json).replace('{"doubleValue":1.5}', '{"doubleValue":"NaN"}');
  expect(withNaN).toContain('"NaN"');
  const accepted = await relay(withNaN, {}, `?sent_at=${Date.now() - skewMillis}`);
  expect(accepted.status).toBe(200);
  expect(accepted.headers.get('access-control-allow-origin')).toBe(SHOP);
  const compact = await batch();
  const compactAnswer = await relay((await gzip(compact.protobuf)) as Uint8Array<ArrayBuffer>, {
    'content-type': 'application/x-protobuf',
    'content-encoding': 'gzip',
  });
  expect(compactAnswer.status).toBe(200);

  // A span with a zero span id beside a valid one: the valid one goes on, and the answer says
  // what was left out (OTLP partial success).
  const partial = await batch();
  const oneBad = JSON.parse(new TextDecoder().decode(partial.json)) as {
    resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; spanId: string }> }> }>;
  };
  const badSpan = oneBad.resourceSpans[0]!.scopeSpans[0]!.spans.find((span) => span.name === 'checkout')!;
  badSpan.spanId = '0'.repeat(16);
  const partialAnswer = await relay(JSON.stringify(oneBad));
  expect(partialAnswer.status).toBe(200);
  expect(await partialAnswer.json()).toEqual({
    partialSuccess: { rejectedSpans: '1', errorMessage: expect.stringMatching(/"checkout": missing or invalid spanId/) },
  });

  const corrected = await keptSpans(slowLaptop.traceId, 2);
  await keptSpans(compact.traceId, 2);
  expect((await keptSpans(partial.traceId, 1)).map((span) => span.name)).toEqual(['HTTP POST']);
  const step = corrected.find((span) => span.name === 'checkout')!;
  const fetchSpan = corrected.find((span) => span.name === 'HTTP POST')!;
  // Shifted onto the worker's clock (the browser said it started ~1 s before sending).
  expect(Math.abs(step.startMillis - (Date.now() - 1_000))).toBeLessThan(15_000);
  expect(Number(step.attributes['journeytrace.clock_skew_ms'])).toBeGreaterThanOrEqual(skewMillis);
  expect(Number(step.attributes['journeytrace.clock_skew_ms'])).toBeLessThan(skewMillis + 10_000);
  // Only allow-listed attributes, URLs without query strings.
  expect(step.resource['service.name']).toBe('shop-web');
  expect(step.resource['host.name']).toBeUndefined();
  expect(step.attributes['card.number']).toBeUndefined();
  expect(step.attributes['session.id']).toBe('abc');
  // The page's user.tier=premium is a claim: relayed, it could force tail sampling.
  expect(step.attributes['user.tier']).toBeUndefined();
  expect(fetchSpan.attributes['url.full']).toBe('https://edge.example/api/checkout');
  expect(fetchSpan.attributes['http.response_content_length']).toBeNaN();
  expect(fetchSpan.attributes['url.query']).toBeUndefined();

  // Relaying made no edge spans of its own, and nothing refused reached the collector
  // (it exports what it kept after the 1 s decision wait: the good batches arrived after the bad ones).
  const all = await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'));
  expect(all.filter((span) => span.attributes['url.path'] === '/v1/traces')).toEqual([]);
  expect(all.filter((span) => rejectedTraceIds.includes(span.traceId))).toEqual([]);
});

test('a gzip bomb is refused with 413 at the decoded limit, without inflating it: workerd memory stays flat', async () => {
  const expandedBytes = 300 * 1024 * 1024;
  const bomb = await gzipBomb(expandedBytes);
  expect(bomb.byteLength).toBeLessThan(MAX_BODY_BYTES); // within the wire limit: only the decoded size can refuse it
  const worker = workerProcess();
  expect(worker, `the worker's workerd under wrangler dev (pid ${edge.pid})`).toBeDefined();
  const rssBefore = rssMiB(worker!)!;
  let rssMax = rssBefore;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMiB(worker!) ?? rssMax)), 5);
  const started = performance.now();
  const answer = await relay(bomb as Uint8Array<ArrayBuffer>, { 'content-encoding': 'gzip' });
  const answerMillis = performance.now() - started;
  const body = await answer.text();
  await new Promise((resolve) => setTimeout(resolve, 100)); // anything still inflating would show by now
  clearInterval(sampler);
  rssMax = Math.max(rssMax, rssMiB(worker!) ?? rssMax);
  recordFigure('relay gzip bomb', {
    kind: 'gzip-bomb',
    wireBytes: bomb.byteLength,
    expandedBytes,
    limitBytes: MAX_BODY_BYTES,
    status: answer.status,
    answerMillis,
    workerRssBeforeMiB: rssBefore,
    workerRssMaxMiB: rssMax,
  });
  expect({ status: answer.status, body }).toEqual({ status: 413, body: `decoded body exceeds ${MAX_BODY_BYTES} bytes` });
  // Inflated whole, the bomb took workerd's memory up by more than its 300 MiB; refused at the
  // limit, by about the limit. The time is a figure (README reliability); this bound is generous.
  expect(rssMax - rssBefore, `workerd RSS ${rssBefore.toFixed(0)} MiB before, at most ${rssMax.toFixed(0)} MiB meanwhile`).toBeLessThan(32);
  expect(answerMillis).toBeLessThan(5_000);
  expect((await fetch(`${edgeUrl}/health`)).status).toBe(200);
});

type JsonBatch = {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: unknown }> };
    scopeSpans: Array<{
      spans: Array<{ name: string; spanId: string; startTimeUnixNano: string; endTimeUnixNano: string; attributes: Array<{ key: string; value: unknown }> }>;
    }>;
  }>;
};

test('a page cannot pose as a backend, leak credentials or flood a span: service pinned and marked relayed, times bounded, limits and redaction applied', async () => {
  const sent = await batch();
  const body = JSON.parse(new TextDecoder().decode(sent.json)) as JsonBatch;
  const browser = body.resourceSpans[0]!;
  // A second resource claiming a backend service, with the page's spans under new ids.
  const impostor = structuredClone(browser);
  impostor.resource.attributes = [{ key: 'service.name', value: { stringValue: 'payment' } }];
  for (const span of impostor.scopeSpans[0]!.spans) span.spanId = span.spanId.replace(/^../, 'ee');
  body.resourceSpans.push(impostor);
  const spans = browser.scopeSpans[0]!.spans;
  const step = spans.find((span) => span.name === 'checkout')!;
  step.attributes.push(...Array.from({ length: 300 }, (_, i) => ({ key: `http.flood${i}`, value: { stringValue: 'x' } })), {
    key: 'http.request.header.authorization',
    value: { stringValue: 'Bearer eyJhbGciOi' },
  });
  // Put first, so the limit keeps them.
  step.attributes.unshift(
    { key: 'url.path', value: { stringValue: '/reset?token=s3cr3t' } },
    { key: 'url.full', value: { stringValue: 'https://alice:hunter2@shop.example/account?api_key=s3cr3t' } },
    { key: 'http.request.header.cookie', value: { stringValue: 'sid=s3cr3t' } },
  );
  // A third span a century ahead.
  const future = structuredClone(step);
  future.spanId = 'f'.repeat(16);
  future.name = 'future';
  const century = 100n * 365n * 86_400_000_000_000n;
  future.startTimeUnixNano = String(BigInt(future.startTimeUnixNano) + century);
  future.endTimeUnixNano = String(BigInt(future.endTimeUnixNano) + century);
  spans.push(future);

  const answer = await relay(JSON.stringify(body));
  expect(answer.status).toBe(200);
  expect(await answer.json()).toEqual({
    partialSuccess: { rejectedSpans: '3', errorMessage: expect.stringMatching(/service\.name "payment" is not a browser service/) },
  });

  const kept = await keptSpans(sent.traceId, 2);
  expect(kept.map((span) => span.name).sort()).toEqual(['HTTP POST', 'checkout']);
  for (const span of kept) {
    expect(span.service).toBe('shop-web');
    expect(span.resource['journeytrace.relayed']).toBe(true);
  }
  const keptStep = kept.find((span) => span.name === 'checkout')!;
  expect(Object.keys(keptStep.attributes).length).toBeLessThanOrEqual(128);
  expect(keptStep.attributes['url.path']).toBe('/reset');
  expect(keptStep.attributes['url.full']).toBe('https://REDACTED:REDACTED@shop.example/account');
  expect(keptStep.attributes['http.request.header.cookie']).toBe('REDACTED');
  expect(JSON.stringify(kept)).not.toContain('s3cr3t');
  expect(JSON.stringify(kept)).not.toContain('hunter2');
});

test('a clock reading far in the future cannot turn valid spans into spans at time 0: they are refused, not stored', async () => {
  const sent = await batch();
  const answer = await relay(sent.json as Uint8Array<ArrayBuffer>, { 'journeytrace-sent-at': String(Date.now() + 10 * 365 * 86_400_000) });
  expect(answer.status).toBe(400);
  expect(await answer.text()).toMatch(/before the accepted time window/);
  // A good batch after it is the barrier: once it is kept, the refused one would have been too.
  const barrier = await batch();
  expect((await relay(barrier.json as Uint8Array<ArrayBuffer>)).status).toBe(200);
  await keptSpans(barrier.traceId, 2);
  expect((await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'))).filter((span) => span.traceId === sent.traceId)).toEqual([]);
});

test('429: too many requests from one client, with Retry-After; the worker keeps serving', async () => {
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < RATE_LIMIT_PER_MINUTE + 5; i++) {
    const response = await relay('{}');
    statuses.push(response.status);
    if (response.status === 429) retryAfter = response.headers.get('retry-after');
  }
  expect(statuses).toContain(400); // under the limit, the empty batch is judged on its content
  expect(statuses.at(-1)).toBe(429);
  // One token per 1.5 s at 40 a minute: the client may send again within 2 s, and is told so.
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(2);
  expect((await fetch(`${edgeUrl}/health`)).status).toBe(200);
  // Refused before the origin check? No: a foreign origin is still 403 first.
  expect((await relay('{}', { origin: 'http://evil.test' })).status).toBe(403);
});

test('429 also for a client that sends a new CF-Connecting-IP with each request: in wrangler dev the header is its own word', async () => {
  // Whatever budget is left (the test above spends it), one client gets no more than it.
  const statuses: number[] = [];
  const started = Date.now();
  for (let i = 0; i < RATE_LIMIT_PER_MINUTE + 20; i++) statuses.push((await relay('{}', { 'cf-connecting-ip': `198.51.100.${i + 1}` })).status);
  // One token per 1.5 s comes back while they are sent.
  const refilled = Math.ceil((Date.now() - started) / 1_500) + 1;
  expect(statuses.filter((status) => status !== 429).length, statuses.join(' ')).toBeLessThanOrEqual(RATE_LIMIT_PER_MINUTE + refilled);
  expect(statuses.at(-1)).toBe(429);
  expect((await relay('{}')).status, 'a request without the header shares the bucket').toBe(429);
});

test('cross-origin from the demo page in Chromium: preflight, gzip body, clock reading, spans in the collector', async ({ page }) => {
  const edge = env('JOURNEYTRACE_EDGE_URL');
  const { traceId, json } = await batch();
  await page.goto(env('JOURNEYTRACE_APP_URL'));
  const answer = await page.evaluate(
    async ({ edge, body }) => {
      // What a browser exporter does: gzip with CompressionStream, the clock reading in its header.
      const gzipped = await new Response(new Blob([body]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
      const response = await fetch(`${edge}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'journeytrace-sent-at': String(Date.now()) },
        body: gzipped,
        credentials: 'omit',
      });
      return { status: response.status, body: await response.text() };
    },
    { edge, body: new TextDecoder().decode(json) },
  );
  expect(answer).toEqual({ status: 200, body: '{}' });
  const spans = await keptSpans(traceId, 2);
  expect(spans.every((span) => span.resource['telemetry.sdk.language'] === 'webjs')).toBe(true);
});

test('the demo shop sends its spans through the edge relay, never to the collector, with one preflight for all its exports', async ({ page }) => {
  const edge = env('JOURNEYTRACE_EDGE_URL');
  const collector = env('JOURNEYTRACE_COLLECTOR_URL');
  const network = await recordNetwork(page);
  await page.goto(env('JOURNEYTRACE_APP_URL'));
  // The page-load spans go out first: the checkout's are a later export.
  await expect
    .poll(() => network.all().filter((request) => request.method === 'POST' && request.url.includes('/v1/traces')).length, { timeout: 10_000 })
    .toBeGreaterThan(0);
  await page.locator('[data-testid=checkout]').click();
  const result = page.locator('[data-testid=result]');
  await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/, { timeout: 20_000 });
  const traceId = (await result.getAttribute('data-trace-id'))!;
  await expect
    .poll(
      async () =>
        (await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'))).some((span) => span.traceId === traceId && span.resource['telemetry.sdk.language'] === 'webjs'),
      {
        timeout: 30_000,
        message: `browser spans of trace ${traceId} reach the collector`,
      },
    )
    .toBe(true);
  const posted = network.all().filter((request) => request.method === 'POST' && request.url.includes('/v1/traces'));
  expect(posted.length).toBeGreaterThanOrEqual(2);
  for (const request of posted) expect(request.url).toBe(`${edge}/v1/traces`);
  expect(posted.filter((request) => request.url.startsWith(collector))).toEqual([]);
  // The clock reading is a header, so the URL never changes and the preflight is cached
  // (Access-Control-Max-Age): in the query, every export was a new URL and cost a preflight.
  expect(network.all().filter((request) => isPreflight(request) && request.url.startsWith(`${edge}/v1/traces`))).toHaveLength(1);
});
