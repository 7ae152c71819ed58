/**
 * The far ends of the edge benchmark, in a process of their own so they do not share an event
 * loop with the load generator: an origin answering `POST /checkout` at once, and an OTLP sink
 * answering 200 to `POST /<name>/v1/traces` that counts exports and bytes per `<name>`.
 * Prints `{"origin":port,"sink":port}` on its first line; `GET /stats` on the sink returns the counts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SinkStats {
  exports: number;
  bytes: number;
}

const stats: Record<string, SinkStats> = {};

function drain(request: IncomingMessage, onBytes: (count: number) => void, done: () => void): void {
  request.on('data', (chunk: Buffer) => onBytes(chunk.length));
  request.on('end', done);
}

const origin = createServer((request: IncomingMessage, response: ServerResponse) => {
  drain(
    request,
    () => {},
    () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"orderId":"ord_bench","status":"confirmed"}');
    },
  );
});

const sink = createServer((request: IncomingMessage, response: ServerResponse) => {
  if (request.method === 'GET' && request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(stats));
    return;
  }
  const name = request.url?.split('/')[1] ?? '';
  stats[name] ??= { exports: 0, bytes: 0 };
  const counts = stats[name];
  drain(
    request,
    (count) => (counts.bytes += count),
    () => {
      counts.exports += 1;
      response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/json' });
      response.end(request.headers['content-type']?.includes('json') ? '{}' : '');
    },
  );
});

const listen = (server: ReturnType<typeof createServer>) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

const ports = { origin: await listen(origin), sink: await listen(sink) };
process.stdout.write(`${JSON.stringify(ports)}\n`);
process.on('SIGTERM', () => process.exit(0));
