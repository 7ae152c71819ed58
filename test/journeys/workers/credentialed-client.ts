/**
 * A worker that calls its upstream through `trace()`'s `tracedFetch` with the caller's
 * credentials (Authorization, Cookie), for testing what a redirect from that upstream gets.
 */
import { Hono } from 'hono';
import { trace, type TraceVariables } from '@journeytrace/edge';

type Bindings = { UPSTREAM_URL: string };
const app = new Hono<{ Bindings: Bindings; Variables: TraceVariables }>();
app.use(trace((env) => ({ propagateTo: [(env as Bindings).UPSTREAM_URL] })));
app.post('*', async (c) => {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const name of ['authorization', 'cookie']) {
    const value = c.req.header(name);
    if (value) headers[name] = value;
  }
  const response = await c.var.tracedFetch(new URL(new URL(c.req.url).pathname, c.env.UPSTREAM_URL), { method: 'POST', headers, body: await c.req.text() });
  return new Response(response.body, { status: response.status });
});
export default app;
