/**
 * Redirects in real workerd: an origin the edge may propagate to answers 307 to a server that is
 * not on the allow-list. That server must get the request (fetch follows redirects) but none of
 * the journey's trace headers, baggage or credentials, and each hop is its own CLIENT span.
 *
 * The shop's edge runs here as a worker of its own (same code, wrangler dev) whose ORIGIN_URL is
 * the redirecting origin; a second small worker forwards its caller's credentials upstream.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { unstable_dev } from 'wrangler';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { startWranglerDev } from '@journeytrace/tooling/stack/wranglerDev.js';
import { SpanKind, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { waitForTrace } from '@journeytrace/playwright/wait';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local server that records each request and answers with `answer(path)`. */
async function recordingServer(answer: (path: string) => { status: number; location?: string; body?: string }) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ method: request.method ?? '', path, headers: request.headers, body });
      const { status, location, body: answerBody } = answer(path);
      response.writeHead(status, { 'content-type': 'application/json', ...(location ? { location } : {}) }).end(answerBody ?? '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

type Server = Awaited<ReturnType<typeof recordingServer>>;
let thirdParty: Server;
let allowedOrigin: Server;

test.beforeAll(async () => {
  thirdParty = await recordingServer(() => ({ status: 200, body: '{"ok":true}' }));
  allowedOrigin = await recordingServer((path) => ({ status: 307, location: `${thirdParty.origin}/collect${path}` }));
});
test.afterAll(async () => {
  await Promise.all([thirdParty?.close(), allowedOrigin?.close()]);
});

const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'];

test("the shop's edge sends the journey's context to its origin, and none of it to where the origin redirects", async () => {
  test.setTimeout(120_000);
  const edge = await startWranglerDev({
    name: 'edge-redirects',
    cwd: join(ROOT, 'demo-app/edge'),
    runDir: join(env('JOURNEYTRACE_RUN_DIR'), 'edge-redirects'),
    vars: { ORIGIN_URL: allowedOrigin.origin, OTEL_EXPORTER_OTLP_ENDPOINT: env('JOURNEYTRACE_COLLECTOR_URL') },
  });
  try {
    const traceId = randomBytes(16).toString('hex');
    const response = await fetch(`${edge.url}/api/checkout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
        tracestate: 'shop=1',
        baggage: 'session.id=redirect-session',
        authorization: 'Bearer not-for-third-parties',
      },
      body: JSON.stringify({ scenario: 'ok' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true });

    const atOrigin = allowedOrigin.received.find((request) => request.headers.traceparent?.includes(traceId));
    expect(atOrigin, 'the allowed origin got the context').toBeDefined();
    expect(atOrigin!.headers.baggage).toContain('session.id=redirect-session');
    const atThirdParty = thirdParty.received.filter((request) => request.path === '/collect/checkout');
    expect(atThirdParty, 'the 307 was followed').toHaveLength(1);
    expect(atThirdParty[0]!.method).toBe('POST');
    expect(atThirdParty[0]!.body).toBe('{"scenario":"ok"}');
    for (const name of [...TRACE_HEADERS, 'authorization']) expect(atThirdParty[0]!.headers[name], name).toBeUndefined();

    // Each request sent is a CLIENT span of the journey: the resent one says so. (The journey's
    // other CLIENT spans, to the cart object and the recommendations Worker, are not HTTP.)
    const toTheOrigins = (span: KeptSpan) =>
      span.kind === SpanKind.CLIENT && [allowedOrigin.origin, thirdParty.origin].some((origin) => String(span.attributes['url.full']).startsWith(origin));
    const spans = await waitForTrace(env('JOURNEYTRACE_TRACES_FILE'), traceId, (arrived) => arrived.filter(toTheOrigins).length >= 2);
    const clients = spans.filter(toTheOrigins).sort((a, b) => a.startMillis - b.startMillis);
    expect(
      clients.map((span) => [span.attributes['url.full'], span.attributes['http.response.status_code'], span.attributes['http.request.resend_count']]),
    ).toEqual([
      [`${allowedOrigin.origin}/checkout`, 307, undefined],
      [`${thirdParty.origin}/collect/checkout`, 200, 1],
    ]);
    expect(new Set(clients.map((span) => span.parentSpanId)).size).toBe(1);
  } finally {
    await edge.stop();
  }
});

test("a worker's credentials for its upstream do not follow the upstream's redirect to another origin", async () => {
  const worker = await unstable_dev(join(import.meta.dirname, 'workers/credentialed-client.ts'), {
    ip: '127.0.0.1',
    compatibilityDate: '2026-04-20',
    compatibilityFlags: ['nodejs_als'],
    vars: { UPSTREAM_URL: allowedOrigin.origin, OTEL_EXPORTER_OTLP_ENDPOINT: env('JOURNEYTRACE_COLLECTOR_URL') },
    experimental: { disableExperimentalWarning: true },
  });
  try {
    const round = randomBytes(4).toString('hex');
    const response = await worker.fetch(`/${round}`, {
      method: 'POST',
      headers: { authorization: 'Bearer upstream-only', cookie: 'sid=upstream-only', baggage: 'session.id=s1' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    const atOrigin = allowedOrigin.received.find((request) => request.path === `/${round}`);
    expect(atOrigin?.headers.authorization).toBe('Bearer upstream-only');
    expect(atOrigin?.headers.traceparent).toBeDefined();
    const atThirdParty = thirdParty.received.find((request) => request.path === `/collect/${round}`);
    expect(atThirdParty, 'the 307 was followed').toBeDefined();
    expect(atThirdParty!.body).toBe('{"a":1}');
    for (const name of [...TRACE_HEADERS, 'authorization', 'cookie']) expect(atThirdParty!.headers[name], name).toBeUndefined();
  } finally {
    await worker.stop();
  }
});
