/** Small JSON-over-HTTP helpers shared by the demo's origin services (node:http, so traced). */
import http from 'node:http';

export const MAX_BODY_BYTES = 64 * 1024;

export type JsonHandler = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => Promise<void>;

/** Serves `handler` on 127.0.0.1; `GET /health` answers 200 for readiness probes. */
export function serveJson(port: number, handler: JsonHandler): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://service');
    if (request.method === 'GET' && url.pathname === '/health') return sendJson(response, 200, { ok: true });
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
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`POST ${url} timed out after ${timeoutMillis} ms`)));
    request.on('error', reject);
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
