/**
 * The journey view's API, served by the demo app's own server (Vite dev and preview) from the
 * collector's output file:
 *   GET /api/journeys            recent journeys, newest first (summaries)
 *   GET /api/journeys/<traceId>  every kept span of one journey
 *   GET /api/latency             p50/p95 per route from the collector's metrics, with a slow exemplar
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';
import { readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { ATTR_USER_TIER } from '@journeytrace/node';
import { readRouteLatency } from './latency.js';

export interface JourneySummary {
  traceId: string;
  name: string;
  startMillis: number;
  durationMillis: number;
  spanCount: number;
  services: string[];
  error: boolean;
  tier?: string;
}

const RECENT_JOURNEYS = 30;
const TRACE_ID = /^[0-9a-f]{32}$/;

export function summarize(spans: KeptSpan[]): JourneySummary[] {
  const byTrace = new Map<string, KeptSpan[]>();
  for (const span of spans) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  const summaries = [...byTrace.entries()].map(([traceId, trace]) => {
    const ids = new Set(trace.map((span) => span.spanId));
    const root = trace.find((span) => !ids.has(span.parentSpanId)) ?? trace[0]!;
    const start = Math.min(...trace.map((span) => span.startMillis));
    const tier = trace.map((span) => span.attributes[ATTR_USER_TIER]).find((value) => typeof value === 'string');
    return {
      traceId,
      name: `${root.service} ${root.name}`,
      startMillis: start,
      durationMillis: Math.max(...trace.map((span) => span.endMillis)) - start,
      spanCount: trace.length,
      services: [...new Set(trace.map((span) => span.service))],
      error: trace.some((span) => span.statusCode === 2),
      tier: tier as string | undefined,
    };
  });
  return summaries.sort((a, b) => b.startMillis - a.startMillis).slice(0, RECENT_JOURNEYS);
}

export interface JourneysApiOptions {
  /** The collector's traces output (OTLP JSON lines). */
  tracesFile: () => string | undefined;
  /** The collector's metrics output (OTLP JSON lines). */
  metricsFile: () => string | undefined;
}

export function journeysApi(options: JourneysApiOptions): Plugin {
  const serve = (request: IncomingMessage, response: ServerResponse, next: () => void) => {
    const path = request.url?.split('?')[0] ?? '';
    if (!path.startsWith('/api/journeys') && path !== '/api/latency') return next();
    const send = (status: number, body: unknown) => {
      response.statusCode = status;
      response.setHeader('content-type', 'application/json');
      response.setHeader('cache-control', 'no-store');
      response.end(JSON.stringify(body));
    };
    if (path === '/api/latency') {
      const metricsFile = options.metricsFile();
      if (!metricsFile) return send(503, { error: 'JOURNEYTRACE_METRICS_FILE is not set for the demo app' });
      readRouteLatency(metricsFile).then(
        (latency) => send(200, latency),
        (error: unknown) => send(500, { error: String(error) }),
      );
      return;
    }
    const file = options.tracesFile();
    if (!file) return send(503, { error: 'JOURNEYTRACE_TRACES_FILE is not set for the demo app' });
    const traceId = path.slice('/api/journeys/'.length);
    if (path !== '/api/journeys' && !TRACE_ID.test(traceId)) return send(400, { error: 'a trace id is 32 lowercase hex characters' });
    readKeptSpans(file).then(
      (spans) => send(200, path === '/api/journeys' ? summarize(spans) : spans.filter((span) => span.traceId === traceId)),
      (error: unknown) => send(500, { error: String(error) }),
    );
  };
  return {
    name: 'journeytrace-journeys-api',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
  };
}
