/**
 * The Worker behind the test edge's service binding: its own `trace()` continues the caller's
 * trace in a SERVER span. It promotes `internal.note` too, so the test sees that the caller's
 * baggage allow-list kept that key behind; it answers with the baggage header it received.
 */
import { Hono } from 'hono';
import { trace, type TraceBindings, type TraceVariables } from '../../../../edge-worker/src/index.js';

const app = new Hono<{ Bindings: TraceBindings; Variables: TraceVariables }>();
app.get('/health', (c) => c.text('ok'));
app.use(trace({ promotedBaggageKeys: ['session.id', 'user.tier', 'internal.note'] }));
app.get('/recommendations', (c) => c.json({ items: ['socks', 'hat'], receivedBaggage: c.req.header('baggage') ?? null }));

export default app;
