/**
 * @module
 * CORS for traced browser calls.
 */
import type { Context } from 'hono';
import { cors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import { SENT_AT_HEADER } from '../../relay/clockSkew.js';
import { BATCH_ID_HEADER } from '../../spill/spillProtocol.js';

/** Request headers a traced browser sends cross-origin. */
export const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'] as const;

export interface TraceCorsOptions {
  /** Origins allowed to call (and send trace headers), or a function of the request context. */
  origins: readonly string[] | ((c: Context) => readonly string[]);
  /** Further request headers to allow. Default `content-type`. */
  allowHeaders?: readonly string[];
}

/**
 * Answers preflights that carry `traceparent`, `tracestate` and `baggage` (and the web SDK's
 * `journeytrace-sent-at` clock reading and `journeytrace-batch-id` for the relay), exposes
 * `Server-Timing` so the page can read the edge's trace id, and sends `Timing-Allow-Origin`
 * so resource timings are not zeroed. Register it before `trace()` so preflights make no spans.
 */
export function traceCors(options: TraceCorsOptions) {
  const resolveOrigins = typeof options.origins === 'function' ? options.origins : () => options.origins as readonly string[];
  const isAllowed = (origin: string | undefined, c: Context) => !!origin && resolveOrigins(c).includes(origin);
  const corsMiddleware = cors({
    origin: (origin, c) => (isAllowed(origin, c) ? origin : null),
    allowHeaders: [...TRACE_HEADERS, SENT_AT_HEADER, BATCH_ID_HEADER, ...(options.allowHeaders ?? ['content-type'])],
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    exposeHeaders: ['server-timing'],
    maxAge: 7200,
  });
  return createMiddleware(async function traceCors(c, next) {
    // A preflight is answered here (a Response comes back); anything else went through next().
    const preflight = await corsMiddleware(c, next);
    const response = preflight ?? c.res;
    const origin = c.req.header('origin');
    if (origin && isAllowed(origin, c)) response.headers.set('timing-allow-origin', origin);
    return preflight;
  });
}
