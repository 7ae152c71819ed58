/**
 * orders-queue: the demo's message broker over HTTP (transport only, no spans).
 *   POST /queues/:name/messages {headers, body}      -> 202 {id}
 *   GET  /queues/:name/messages?waitMs=N             -> 200 message | 204 nothing yet
 *   POST /queues/:name/messages/:id/retry {message}  -> 202 (redeliver)
 *   POST /results/:key {result}                      -> 202
 *   GET  /results/:key?waitMs=N                      -> 200 result | 204 not yet
 */
import { log } from '../shared/telemetry.js';
import { readJson, sendJson, serveJson, stopOnSignals } from '../shared/http.js';
import { Broker, type Message } from './broker.js';

const MAX_WAIT_MILLIS = 30_000;
const broker = new Broker();
const port = Number(process.env.ORDERS_QUEUE_PORT ?? 8083);

const server = await serveJson(port, async (request, response, url) => {
  const waitMillis = Math.min(Math.max(Number(url.searchParams.get('waitMs')) || 0, 0), MAX_WAIT_MILLIS);
  const [, kind, name, sub, id, action] = url.pathname.split('/');
  if (kind === 'queues' && name && sub === 'messages' && !id) {
    if (request.method === 'POST') {
      const message = (await readJson(request)) as { headers?: Record<string, string>; body?: unknown } | undefined;
      if (!message || typeof message !== 'object') return sendJson(response, 400, { error: 'body must be {headers, body} JSON' });
      const messageId = broker.publish(name, stringRecord(message.headers), message.body);
      return messageId ? sendJson(response, 202, { id: messageId }) : sendJson(response, 503, { error: 'queue full' });
    }
    if (request.method === 'GET') {
      const message = await broker.receive(name, waitMillis);
      if (message) return sendJson(response, 200, message);
      response.writeHead(204).end();
      return;
    }
  }
  if (kind === 'queues' && name && sub === 'messages' && id && action === 'retry' && request.method === 'POST') {
    const message = (await readJson(request)) as Message | undefined;
    if (!message || typeof message.id !== 'string') return sendJson(response, 400, { error: 'body must be the message' });
    broker.requeue(name, { ...message, headers: stringRecord(message.headers) });
    return sendJson(response, 202, { id: message.id });
  }
  if (kind === 'results' && name) {
    if (request.method === 'POST') {
      broker.postResult(name, await readJson(request));
      return sendJson(response, 202, {});
    }
    if (request.method === 'GET') {
      const result = await broker.awaitResult(name, waitMillis);
      if (result !== undefined) return sendJson(response, 200, result);
      response.writeHead(204).end();
      return;
    }
  }
  sendJson(response, 404, { error: 'not_found' });
});
log('orders-queue listening', { port });
stopOnSignals(() => void server.close());

function stringRecord(value: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (typeof item === 'string') record[key] = item;
  }
  return record;
}
