/**
 * The journeytrace edge worker: the demo shop's API gateway on Cloudflare Workers.
 * It continues the browser's journey and calls the origin with the context injected.
 */
import { Hono } from 'hono';
import { trace, traceCors, type TraceBindings, type TraceVariables } from './index.js';

export interface EdgeBindings extends TraceBindings {
  /** Base URL of the checkout API. */
  ORIGIN_URL: string;
  /** Comma-separated browser origins allowed to call the edge (the demo app's). */
  ALLOWED_ORIGINS: string;
}

const app = new Hono<{ Bindings: EdgeBindings; Variables: TraceVariables }>();

// Registered before the middleware: readiness probes make no traces.
app.get('/health', (c) => c.text('ok'));

app.use(traceCors({ origins: (c) => splitOrigins(c.env.ALLOWED_ORIGINS) }));
app.use(trace((env) => ({ propagateTo: [(env as EdgeBindings).ORIGIN_URL] })));

app.post('/api/checkout', async (c) => {
  const body = await c.req.json<{ scenario?: string }>().catch(() => ({ scenario: undefined }));
  const response = await c.var.tracedFetch(new URL('/checkout', c.env.ORIGIN_URL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario: body.scenario ?? 'ok' }),
  });
  return new Response(response.body, { status: response.status, headers: { 'content-type': 'application/json' } });
});

app.onError((error, c) => c.json({ error: 'edge_error', message: error.message }, 502));

function splitOrigins(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
}

export default app;
