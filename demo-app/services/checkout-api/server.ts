import http from 'node:http';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { log } from '../shared/telemetry.js';

/** What the shop's checkout scenarios do at the origin. */
export type Scenario = 'ok' | 'error' | 'slow';

const SLOW_DELAY_MILLIS = 650;

export function startCheckoutApi(port: number, host = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      log('checkout failed unexpectedly', { error: String(error) });
      if (!response.headersSent) sendJson(response, 500, { error: 'internal_error' });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://origin');
  if (request.method === 'GET' && url.pathname === '/health') return sendJson(response, 200, { ok: true });
  if (request.method !== 'POST' || url.pathname !== '/checkout') return sendJson(response, 404, { error: 'not_found' });

  const scenario = parseScenario(await readBody(request));
  log('checkout started', { scenario });
  if (scenario === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_DELAY_MILLIS));
  if (scenario === 'error') {
    const error = new Error('payment declined');
    const span = trace.getActiveSpan();
    span?.recordException(error);
    span?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    log('checkout failed', { scenario, error: error.message });
    return sendJson(response, 502, { ok: false, error: 'payment_failed' });
  }
  const orderId = `ord_${crypto.randomUUID().slice(0, 8)}`;
  log('checkout done', { scenario, orderId });
  sendJson(response, 200, { ok: true, orderId });
}

function parseScenario(body: string): Scenario {
  try {
    const value = (JSON.parse(body) as { scenario?: unknown }).scenario;
    return value === 'error' || value === 'slow' ? value : 'ok';
  } catch {
    return 'ok';
  }
}

const MAX_BODY_BYTES = 64 * 1024;

async function readBody(request: http.IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
