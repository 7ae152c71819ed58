/**
 * A worker that proxies an upstream site through `trace()`, for testing what the middleware
 * does to HTML it did not write (gzip and chunked bodies, immutable fetch headers).
 */
import { Hono } from 'hono';
import { trace, type TraceVariables } from '@journeytrace/edge';

interface Env {
  UPSTREAM_URL: string;
}

const app = new Hono<{ Bindings: Env; Variables: TraceVariables }>();
app.use(trace<Env>((env) => ({ propagateTo: [env.UPSTREAM_URL] })));
app.get('*', (c) => c.var.tracedFetch(new URL(new URL(c.req.url).pathname, c.env.UPSTREAM_URL)));
export default app;
