/**
 * The shop's edge: continues the browser's journey, verifies who the user is, relays the
 * page's spans to the collector and calls the origin with the trace context.
 * `Env` comes from `wrangler types` (worker-configuration.d.ts), made from wrangler.jsonc and .dev.vars.
 */
import { Hono } from 'hono';
import { sessionTokenVerifier, signSessionToken, trace, traceCors, type TraceVariables } from '@journeytrace/edge';
import { otlpRelay } from '@journeytrace/edge/relay';

const app = new Hono<{ Bindings: Env; Variables: TraceVariables }>();

// Before the middleware: readiness probes make no traces.
app.get('/health', (c) => c.text('ok'));

const allowedOrigins = (env: Env) => env.ALLOWED_ORIGINS.split(',').map((origin) => origin.trim());

// Before trace(): preflights make no spans.
app.use(traceCors({ origins: (c) => allowedOrigins(c.env), allowHeaders: ['content-type', 'content-encoding', 'authorization'] }));
// The page's spans, forwarded to the collector; before trace(): relaying makes no spans of its own.
// serviceNames: the SPA's init({ serviceName }); other resources are left out.
app.post(
  '/v1/traces',
  otlpRelay((env: Env) => ({ allowedOrigins: allowedOrigins(env), serviceNames: ['shop-spa'] })),
);
// user.tier in baggage is a claim: only a signed session token makes it a fact.
const verifyUser = sessionTokenVerifier<Env>({ secret: (env) => env.SESSION_SECRET });
app.use(trace((env: Env) => ({ propagateTo: [env.ORIGIN_URL], verifyUser })));

// Sign-in, as simple as an example allows: a real shop signs the token where it authenticates.
app.post('/api/session', async (c) => {
  const { tier } = await c.req.json<{ tier: string }>();
  const { token } = await signSessionToken({ tier }, c.env.SESSION_SECRET, { ttlSeconds: 3600 });
  return c.json({ token });
});

app.post('/api/checkout', async (c) => {
  const response = await c.var.tracedFetch(new URL('/checkout', c.env.ORIGIN_URL), { method: 'POST', body: await c.req.text() });
  return c.json(await response.json(), response.ok ? 200 : 502);
});

export default app;
