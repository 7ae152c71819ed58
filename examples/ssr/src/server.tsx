/** Renders the shop page with React on the server and serves the browser's bundle. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { renderToString } from 'react-dom/server';
import { App } from './App';

const port = Number(process.env.PORT ?? 3000);
const edgeUrl = process.env.EDGE_URL ?? 'http://127.0.0.1:8787';
const clientScript = readFileSync(new URL('../client/client.js', import.meta.url));

createServer((request, response) => {
  if (request.url === '/client.js') return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(clientScript);
  const body = renderToString(<App />);
  response.writeHead(200, { 'content-type': 'text/html' }).end(
    `<!doctype html><html lang="en" data-edge-url="${edgeUrl}"><head><meta charset="utf-8"><title>Shop (SSR)</title></head>` +
      `<body><div id="root">${body}</div><script type="module" src="/client.js"></script></body></html>`,
  );
}).listen(port, '127.0.0.1', () => console.log(`shop (SSR) on http://127.0.0.1:${port}`));
