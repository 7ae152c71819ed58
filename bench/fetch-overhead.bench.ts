/**
 * Added time per instrumented fetch in Chromium: the same sequential same-origin fetches on a
 * plain page and on a page running the web SDK's script-tag build (inside a journey step, every
 * feature on, spans exported to the same loopback server), alternated round by round.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildScriptTag, SCRIPT_TAG_FILE } from '../scripts/buildScriptTag.js';
import { lastLines, run } from '../scripts/lib/run.js';
import { ROOT } from '../scripts/lib/paths.js';
import { ensureToolchain } from '../scripts/setup/index.js';
import { summarize, type BenchSection } from './types.js';

const FETCHES_PER_ROUND = 200;
const ROUNDS = 7;

function page(withSdk: boolean): string {
  const sdk = withSdk ? '<script src="/journeytrace.iife.js" data-service-name="bench" data-web-vitals="false"></script>' : '';
  return `<!doctype html><html><head><meta charset="utf-8">${sdk}</head><body><h1>bench</h1></body></html>`;
}

function serve(script: Buffer) {
  let exportedBytes = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = request.url?.split('?')[0];
    request.on('data', (chunk: Buffer) => (exportedBytes += path === '/v1/traces' ? chunk.length : 0));
    request.on('end', () => {
      response.setHeader('cache-control', 'no-store');
      if (path === '/journeytrace.iife.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else if (path === '/sdk.html' || path === '/plain.html') response.writeHead(200, { 'content-type': 'text/html' }).end(page(path === '/sdk.html'));
      else if (path === '/v1/traces') response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return { server, exportedBytes: () => exportedBytes };
}

/** Mean ms per fetch over one round, measured in the page (source text: tsx would wrap a function). */
async function round(target: Page, withSdk: boolean): Promise<number> {
  return target.evaluate(`(async () => {
    const fetchAll = async () => {
      const started = performance.now();
      for (let i = 0; i < ${FETCHES_PER_ROUND}; i += 1) await (await fetch('/ping?' + i)).text();
      return (performance.now() - started) / ${FETCHES_PER_ROUND};
    };
    return ${withSdk ? "journeytrace.journey.step('bench', fetchAll)" : 'fetchAll()'};
  })()`) as Promise<number>;
}

export default async function fetchOverhead(): Promise<BenchSection> {
  const { chromium: executablePath } = await ensureToolchain({ chromium: true });
  const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'web-sdk/tsconfig.json'], { cwd: ROOT });
  if (tsc.code !== 0) throw new Error(`building web-sdk failed:\n${lastLines(tsc.output)}`);
  await buildScriptTag();
  const { server, exportedBytes } = serve(readFileSync(SCRIPT_TAG_FILE));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'] });
  try {
    const plain = await browser.newPage();
    const traced = await browser.newPage();
    await plain.goto(`${origin}/plain.html`);
    await traced.goto(`${origin}/sdk.html`);
    await traced.waitForFunction('Boolean(window.journeytrace && window.journeytrace.journey)');
    // One warm-up round each, then alternate so drift hits both alike.
    await round(plain, false);
    await round(traced, true);
    const bare: number[] = [];
    const instrumented: number[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      bare.push(await round(plain, false));
      instrumented.push(await round(traced, true));
    }
    const sdk = summarize(instrumented);
    const anchor = summarize(bare);
    const added = summarize(instrumented.map((value, i) => value - bare[i]!));
    const version = (JSON.parse(readFileSync(join(ROOT, 'web-sdk/package.json'), 'utf8')) as { version: string }).version;
    return {
      title: 'Browser: time per instrumented fetch (Chromium)',
      command: 'npm run bench -- fetch-overhead',
      versions: `journeytrace ${version} (script-tag build), Chromium ${browser.version()}`,
      rows: [
        { figure: 'fetch inside a journey step, SDK on (ms per fetch)', value: sdk.median, min: sdk.min, max: sdk.max, unit: 'ms', anchor: 'the same fetch on a page without the SDK', anchorValue: anchor.median },
        { figure: 'added time per fetch (ms, per-round difference)', value: added.median, min: added.min, max: added.max, unit: 'ms', anchor: 'plain fetch (ms)', anchorValue: anchor.median },
      ],
      notes: [
        `${ROUNDS} alternated rounds of ${FETCHES_PER_ROUND} sequential same-origin fetches after a warm-up round; medians (min–max) of the per-round means. The SDK page exported ${(exportedBytes() / 1024).toFixed(0)} KiB of spans to the same server meanwhile.`,
      ],
    };
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
}
