/** The shop's origin API behind the edge: `POST /checkout` places an order. */
import { createServer } from 'node:http';

const port = Number(process.env.ORIGIN_PORT ?? 8081);

createServer((request, response) => {
  if (request.url === '/health') return void response.end('ok');
  if (request.method === 'POST' && request.url === '/checkout') {
    response.setHeader('content-type', 'application/json');
    return void response.end(JSON.stringify({ ok: true, orderId: crypto.randomUUID() }));
  }
  response.statusCode = 404;
  response.end();
}).listen(port, '127.0.0.1', () => console.log(`origin on http://127.0.0.1:${port}`));
