/**
 * The Worker behind the test edge's service binding, a `WorkerEntrypoint` wrapped by
 * `traceEntrypoint`: its `fetch` is a Hono app whose `trace()` continues the caller's trace in a
 * SERVER span, and its RPC method `topPicks` runs in a SERVER span under the caller's CLIENT
 * span. It promotes `internal.note` too, so the test sees that the caller's baggage allow-list
 * kept that key behind; it answers with the baggage it received.
 */
/// <reference path="../cloudflare-workers.d.ts" />
import { WorkerEntrypoint } from 'cloudflare:workers';
import { Hono } from 'hono';
import { propagation, context } from '@opentelemetry/api';
import { trace, tracingFromEnv, type TraceBindings, type TraceVariables } from '@journeytrace/edge';
import { traceEntrypoint } from '@journeytrace/edge/bindings';

const PROMOTED = ['session.id', 'user.tier', 'internal.note'];

const app = new Hono<{ Bindings: TraceBindings; Variables: TraceVariables }>();
app.get('/health', (c) => c.text('ok'));
app.use(trace({ promotedBaggageKeys: PROMOTED }));
app.get('/recommendations', (c) => c.json({ items: ['socks', 'hat'], receivedBaggage: c.req.header('baggage') ?? null }));

class Recommendations extends WorkerEntrypoint<TraceBindings> {
  fetch(request: Request): Promise<Response> | Response {
    return app.fetch(request, this.env, this.ctx);
  }

  async topPicks(count: number): Promise<{ picks: string[]; baggageKeys: string[] }> {
    const baggage = propagation.getBaggage(context.active());
    return { picks: ['scarf', 'gloves', 'boots'].slice(0, count), baggageKeys: (baggage?.getAllEntries() ?? []).map(([key]) => key).sort() };
  }
}

// The same tracing as `trace()` above (same promoted keys), so RPC spans promote `internal.note` too.
export default traceEntrypoint(Recommendations, {
  name: 'Recommendations',
  tracing: (env: TraceBindings) => tracingFromEnv(env, 'edge-worker', { promotedBaggageKeys: PROMOTED }),
});
