/**
 * HTML the edge proxies (here from a local upstream, gzip and chunked) gets the
 * `<meta name="traceparent">` too, in real workerd; other responses pass through unchanged
 * apart from `Server-Timing`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { unstable_dev, type Unstable_DevWorker } from 'wrangler';

let upstream: Server;
let worker: Unstable_DevWorker;
const PAGE = `<!doctype html><html><head><title>shop</title></head><body>${'x'.repeat(20_000)}</body></html>`;

test.beforeAll(async () => {
  upstream = createServer((request, response) => {
    if (request.url === '/page.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip' });
      const body = gzipSync(PAGE);
      response.write(body.subarray(0, 100)); // chunked, in pieces
      setTimeout(() => response.end(body.subarray(100)), 20);
    } else {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"head":"<head></head>"}');
    }
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  worker = await unstable_dev(join(import.meta.dirname, 'workers/html-proxy.ts'), {
    ip: '127.0.0.1',
    compatibilityDate: '2026-11-30',
    compatibilityFlags: ['nodejs_als'],
    vars: {
      UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: process.env.JOURNEYTRACE_COLLECTOR_URL ?? 'http://127.0.0.1:9',
    },
    experimental: { disableExperimentalWarning: true },
  });
});
test.afterAll(async () => {
  await worker?.stop();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

test('proxied gzip HTML gets the meta tag of the edge span, body otherwise intact', async () => {
  const traceId = randomBytes(16).toString('hex');
  const response = await worker.fetch('/page.html', { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
  expect(response.status).toBe(200);
  const html = await response.text();
  const meta = /<meta name="traceparent" content="([^"]+)">/.exec(html)?.[1];
  expect(meta).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  expect(response.headers.get('server-timing')).toBe(`traceparent;desc="${meta}"`);
  expect(html.replace(/<meta name="traceparent" content="[^"]+">/, '')).toBe(PAGE);
});

test('proxied JSON is passed through untouched, with Server-Timing added', async () => {
  const response = await worker.fetch('/data.json');
  expect(await response.text()).toBe('{"head":"<head></head>"}');
  expect(response.headers.get('server-timing')).toMatch(/^traceparent;desc="00-[0-9a-f]{32}-[0-9a-f]{16}-03"$/);
});
