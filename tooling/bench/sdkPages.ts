/**
 * A loopback server for browser benchmarks: a plain page and the same page running the web
 * SDK's script-tag build (every feature on), pages for other scripts the caller passes (the stock
 * OpenTelemetry anchors), a `/ping` endpoint, `/bytes?n=` (n bytes in 64 KiB writes), and a sink
 * for the exports. Also builds the script tag and launches Chromium.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { buildScriptTag, SCRIPT_TAG_FILE } from '../lib/buildScriptTag.js';
import { lastLines, run } from '../lib/run.js';
import { ROOT } from '../lib/paths.js';
import { ensureToolchain } from '../setup/index.js';

const CHUNK = Buffer.alloc(64 * 1024, 120);

function page(withSdk: boolean, script?: string): string {
  const sdk = script ? `<script src="/${script}.js"></script>` : withSdk ? '<script src="/journeytrace.iife.js" data-service-name="bench"></script>' : '';
  return `<!doctype html><html><head><meta charset="utf-8">${sdk}</head><body><h1>bench</h1><button id="go">go</button></body></html>`;
}

export interface SdkPages {
  origin: string;
  browser: Browser;
  /** Bytes of spans the SDK pages exported so far. */
  exportedBytes(): number;
  close(): Promise<void>;
}

/** Writes `total` bytes in 64 KiB chunks, waiting on the socket as a real server does. */
async function writeBytes(response: ServerResponse, total: number): Promise<void> {
  for (let sent = 0; sent < total && !response.destroyed; sent += CHUNK.length) {
    if (!response.write(total - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, total - sent))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done).off('close', done);
          resolve();
        };
        response.on('drain', done).on('close', done);
      });
    }
  }
  response.end();
}

/**
 * Serves `/plain.html`, `/sdk.html` and, for each of `scripts` (name to source), `/<name>.html`
 * loading `/<name>.js`, on loopback, and launches Chromium.
 */
export async function startSdkPages(scripts: Record<string, string> = {}): Promise<SdkPages> {
  const { chromium: executablePath } = await ensureToolchain({ chromium: true });
  const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'web-sdk/tsconfig.json'], { cwd: ROOT });
  if (tsc.code !== 0) throw new Error(`building web-sdk failed:\n${lastLines(tsc.output)}`);
  await buildScriptTag();
  const script = readFileSync(SCRIPT_TAG_FILE);
  let exportedBytes = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url?.split('?')[0];
    request.on('data', (chunk: Buffer) => (exportedBytes += path === '/v1/traces' ? chunk.length : 0));
    request.on('end', () => {
      response.setHeader('cache-control', 'no-store');
      const name = path?.slice(1).replace(/\.(html|js)$/, '') ?? '';
      if (path === '/journeytrace.iife.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else if (name in scripts && path!.endsWith('.js')) response.writeHead(200, { 'content-type': 'text/javascript' }).end(scripts[name]);
      else if (name in scripts) response.writeHead(200, { 'content-type': 'text/html' }).end(page(false, name));
      else if (path === '/bytes') {
        const total = Number(new URL(request.url ?? '', 'http://x').searchParams.get('n'));
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
        void writeBytes(response, total);
      } else if (path === '/sdk.html' || path === '/plain.html') response.writeHead(200, { 'content-type': 'text/html' }).end(page(path === '/sdk.html'));
      else if (path === '/v1/traces') response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    browser,
    exportedBytes: () => exportedBytes,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
