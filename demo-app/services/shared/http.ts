/** Small JSON-over-HTTP helpers shared by the demo's origin services (node:http, so traced). */
import http from 'node:http';
import { context, propagation, trace } from '@opentelemetry/api';
import { ATTR_USER_TIER } from '@journeytrace/node';
import { httpMetrics } from './telemetry.js';

export const MAX_BODY_BYTES = 64 * 1024;

export type JsonHandler = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => Promise<void>;

/**
 * Serves `handler` on 127.0.0.1; `GET /health` answers 200 for readiness probes. Each request's
 * duration goes to `http.server.request.duration`, its span as the exemplar.
 */
export function serveJson(port: number, handler: JsonHandler): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://service');
    if (request.method === 'GET' && url.pathname === '/health') return sendJson(response, 200, { ok: true });
    recordServerDuration(request, response, url);
    handler(request, response, url).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: 'internal_error', message: String(error) });
      else response.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function recordServerDuration(request: http.IncomingMessage, response: http.ServerResponse, url: URL): void {
  const metrics = httpMetrics();
  if (!metrics) return;
  const started = performance.now();
  const spanContext = trace.getActiveSpan()?.spanContext();
  const tier = propagation.getBaggage(context.active())?.getEntry(ATTR_USER_TIER)?.value;
  response.once('finish', () => {
    const status = response.statusCode;
    metrics.recordServer({
      durationSeconds: (performance.now() - started) / 1000,
      attributes: {
        'http.request.method': request.method ?? 'GET',
        // The services route on exact paths; an unmatched one has no route.
        ...(status !== 404 ? { 'http.route': url.pathname } : {}),
        'http.response.status_code': status,
      },
      spanContext,
      error: status >= 500,
      tier,
    });
  });
}

/** Reads a JSON body of at most MAX_BODY_BYTES; anything else (too big, not JSON) is `undefined`. */
export async function readJson(request: http.IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** POSTs JSON with node:http (so the HTTP instrumentation makes the CLIENT span and injects context). */
export function postJson(url: string, body: unknown, timeoutMillis = 10_000): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(body);
  const started = performance.now();
  const target = new URL(url);
  const recordClient = (status: number) =>
    httpMetrics()?.recordClient({
      durationSeconds: (performance.now() - started) / 1000,
      attributes: {
        'http.request.method': 'POST',
        'server.address': target.hostname,
        'server.port': Number(target.port),
        ...(status ? { 'http.response.status_code': status } : { 'error.type': 'network' }),
      },
      spanContext: trace.getActiveSpan()?.spanContext(),
      error: status === 0 || status >= 400,
    });
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }, timeout: timeoutMillis },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            parsed = undefined;
          }
          recordClient(response.statusCode ?? 0);
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`POST ${url} timed out after ${timeoutMillis} ms`)));
    request.on('error', (error) => {
      recordClient(0);
      reject(error);
    });
    request.end(payload);
  });
}

/** Closes the server and flushes telemetry on SIGINT/SIGTERM. */
export function stopOnSignals(close: () => Promise<void> | void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.resolve(close()).finally(() => process.exit(0));
    });
  }
}
