/**
 * A loopback origin for the fetch-body journeys: a bare page and the same page with the web SDK's
 * script-tag build (exporting OTLP JSON, uncompressed, back to this server), and endpoints whose
 * bodies the page reads in every way a browser offers. What the SDK exports is collected here.
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');
const CHUNK = Buffer.alloc(64 * 1024, 120);
export const PACED_WRITE_BYTES = 16 * 1024;

/** One exported span, with its attributes as a plain object. */
export interface ExportedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startMillis: number;
  endMillis: number;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  events: string[];
}

export interface BodyServer {
  origin: string;
  /** Every span exported so far. */
  spans(): ExportedSpan[];
  /** Bytes of the latest `/big` body handed to the socket so far. */
  bigSent(): number;
  /** How many `/endless` responses were closed by the browser before their end. */
  endlessClosed(): number;
  /** Request headers seen per path. */
  headers(path: string): Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

function page(withSdk: boolean, origin: string): string {
  const config = JSON.stringify({ OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_EXPORTER_OTLP_COMPRESSION: 'none' });
  const sdk = withSdk
    ? `<script>window.journeytraceConfig = ${config};</script><script src="/journeytrace.iife.js" data-service-name="fetch-bodies" data-collector-url="${origin}"></script>`
    : '';
  return `<!doctype html><html><head><meta charset="utf-8">${sdk}</head><body><h1>fetch bodies</h1></body></html>`;
}

/**
 * Writes `total` bytes in 64 KiB chunks, waiting on the socket (backpressure) as a real server
 * does, and reports how many it has handed over so far: a client that reads nothing ahead keeps
 * this close to what the app has read.
 */
async function stream(response: ServerResponse, total: number, progress: (sent: number) => void = () => undefined): Promise<void> {
  for (let sent = 0; sent < total && !response.destroyed; ) {
    const chunk = total - sent >= CHUNK.length ? CHUNK : CHUNK.subarray(0, total - sent);
    const flowing = response.write(chunk);
    sent += chunk.length;
    progress(sent);
    if (!flowing) await drainedOrClosed(response);
  }
  response.end();
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done).off('close', done);
      resolve();
    };
    response.on('drain', done).on('close', done);
  });
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

export async function startBodyServer(): Promise<BodyServer> {
  const script = readFileSync(join(ROOT, 'web-sdk/dist/journeytrace.iife.js'));
  const exported: ExportedSpan[] = [];
  const seenHeaders = new Map<string, Array<Record<string, string | string[] | undefined>>>();
  let endlessClosed = 0;
  let bigSent = 0;
  let origin = '';
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const list = seenHeaders.get(url.pathname) ?? [];
    list.push(request.headers);
    seenHeaders.set(url.pathname, list);
    response.setHeader('cache-control', 'no-store');
    switch (url.pathname) {
      case '/bare.html':
      case '/sdk.html':
        return response.writeHead(200, { 'content-type': 'text/html' }).end(page(url.pathname === '/sdk.html', origin));
      case '/journeytrace.iife.js':
        return response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      case '/v1/traces': {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        collect(JSON.parse(Buffer.concat(chunks).toString('utf8')), exported);
        return response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }
      case '/text':
        return response.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
      case '/json':
        return response.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
      case '/form':
        return response.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded' }).end('a=1&b=2');
      case '/late-end': {
        // The body's end comes well after the headers: the span must end with it.
        response.writeHead(200, { 'content-type': 'text/plain' }).write('first ');
        await sleep(Number(url.searchParams.get('ms') ?? 300));
        return response.end('last');
      }
      case '/sse': {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (let i = 0; i < 5; i += 1) {
          response.write(`data: token ${i} ${Date.now()}\n\n`);
          await sleep(80);
        }
        return response.end();
      }
      case '/big':
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(Number(url.searchParams.get('bytes'))) });
        bigSent = 0;
        return stream(response, Number(url.searchParams.get('bytes')), (sent) => (bigSent = sent));
      case '/paced': {
        // 16 KiB at a time (one loopback segment, no chunked framing) with a pause after each: every
        // write reaches the page before the next, so a reader that keeps up gets one chunk per
        // write, with or without an SDK in between.
        const writes = Number(url.searchParams.get('writes'));
        const piece = CHUNK.subarray(0, PACED_WRITE_BYTES);
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(writes * piece.length) });
        for (let i = 0; i < writes && !response.destroyed; i += 1) {
          if (!response.write(piece)) await drainedOrClosed(response);
          await sleep(Number(url.searchParams.get('gapMs') ?? 5));
        }
        return response.end();
      }
      case '/endless':
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.once('close', () => {
          if (!response.writableFinished) endlessClosed += 1;
        });
        return stream(response, Number.MAX_SAFE_INTEGER);
      case '/hang':
        // Headers and one chunk, then nothing: for aborts mid-body.
        response.writeHead(200, { 'content-type': 'text/plain' }).write('partial');
        return;
      case '/redirect':
        return response.writeHead(302, { location: '/text' }).end();
      case '/empty':
        return response.writeHead(204).end();
      default:
        return response.writeHead(404).end();
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    spans: () => exported,
    bigSent: () => bigSent,
    endlessClosed: () => endlessClosed,
    headers: (path) => seenHeaders.get(path) ?? [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

function collect(body: unknown, into: ExportedSpan[]): void {
  const request = body as {
    resourceSpans?: Array<{
      scopeSpans?: Array<{
        spans?: Array<{
          name: string;
          kind: number;
          traceId: string;
          spanId: string;
          parentSpanId?: string;
          startTimeUnixNano: string;
          endTimeUnixNano: string;
          attributes?: Array<{ key: string; value: OtlpValue }>;
          status?: { code?: number; message?: string };
          events?: Array<{ name: string }>;
        }>;
      }>;
    }>;
  };
  for (const resource of request.resourceSpans ?? []) {
    for (const scope of resource.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        const attributes: Record<string, unknown> = {};
        for (const { key, value } of span.attributes ?? []) {
          attributes[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue));
        }
        into.push({
          name: span.name,
          kind: span.kind,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          startMillis: Number(BigInt(span.startTimeUnixNano) / 1000n) / 1000,
          endMillis: Number(BigInt(span.endTimeUnixNano) / 1000n) / 1000,
          attributes,
          status: span.status ?? {},
          events: (span.events ?? []).map((event) => event.name),
        });
      }
    }
  }
}
