/**
 * A worker that proxies an upstream site through `trace()`, for testing what the middleware
 * does to HTML it did not write (gzip and chunked bodies, immutable fetch headers).
 */
import { Hono } from 'hono';
import { trace, type TraceVariables } from '@journeytrace/edge';

const app = new Hono<{ Bindings: { UPSTREAM_URL: string }; Variables: TraceVariables }>();
app.use(trace((env) => ({ propagateTo: [(env as { UPSTREAM_URL: string }).UPSTREAM_URL] })));
app.get('*', (c) => c.var.tracedFetch(new URL(new URL(c.req.url).pathname, c.env.UPSTREAM_URL)));
export default app;
