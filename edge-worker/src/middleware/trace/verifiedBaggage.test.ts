import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ROOT_CONTEXT, defaultTextMapGetter, propagation } from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { signSessionToken, sessionTokenVerifier } from '../../session/index.js';
import { createEdgeTracing } from '../../tracing/edgeTracing.js';
import { trace, type TraceVariables } from './index.js';

const SECRET = 'unit-test-secret';

describe('trace middleware with verified baggage', () => {
  let exporter: InMemorySpanExporter;
  let sentBaggage: Array<string | null>;
  const realFetch = globalThis.fetch;
  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    sentBaggage = [];
    globalThis.fetch = async (input, init) => {
      sentBaggage.push(new Request(input, init).headers.get('baggage'));
      return new Response('{}');
    };
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  function app(verifyUser = sessionTokenVerifier({ secret: () => SECRET })) {
    const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
    const app = new Hono<{ Variables: TraceVariables }>();
    app.use(trace({ tracing, propagateTo: ['http://origin.test'], verifyUser }));
    app.post('/api/checkout', async (c) => c.json(await (await c.var.tracedFetch('http://origin.test/checkout')).json()));
    return { app, tracing };
  }

  async function serverSpan(tracing: { forceFlush(): Promise<void> }) {
    await tracing.forceFlush();
    return exporter.getFinishedSpans().find((span) => span.name === 'POST /api/checkout')!;
  }

  it('drops a forged tier: not on the span, not in the baggage sent to the origin', async () => {
    const { app: edge, tracing } = app();
    const response = await edge.request('/api/checkout', { method: 'POST', headers: { baggage: 'session.id=s1,user.tier=vip,enduser.id=admin' } });
    assert.equal(response.status, 200);
    const span = await serverSpan(tracing);
    assert.equal(span.attributes['user.tier'], undefined);
    assert.equal(span.attributes['enduser.id'], undefined);
    assert.equal(span.attributes['session.id'], 's1');
    assert.equal(span.attributes['journeytrace.baggage.verified'], false);
    assert.deepEqual(sentBaggage, ['session.id=s1']);
  });

  it('drops percent-encoded claims: an origin that decodes keys reads no tier and no user', async () => {
    const { app: edge, tracing } = app();
    const baggage = 'session.id=s1,user%2Etier=vip,enduser%2eid=victim,user%252Etier=vip,%75ser.tier=gold';
    await edge.request('/api/checkout', { method: 'POST', headers: { baggage } });
    const span = await serverSpan(tracing);
    assert.equal(span.attributes['user.tier'], undefined);
    assert.equal(span.attributes['enduser.id'], undefined);
    assert.deepEqual(sentBaggage, ['session.id=s1']);
    // What a Node origin on @opentelemetry/core's propagator makes of what the edge sent.
    const atOrigin = propagation.getBaggage(new W3CBaggagePropagator().extract(ROOT_CONTEXT, { baggage: sentBaggage[0] }, defaultTextMapGetter));
    assert.deepEqual(
      atOrigin?.getAllEntries().map(([key]) => key),
      ['session.id'],
    );
  });

  it('overwrites the claim with the signed tier', async () => {
    const { app: edge, tracing } = app();
    const { token } = await signSessionToken({ tier: 'premium', sub: 'u-7' }, SECRET);
    await edge.request('/api/checkout', { method: 'POST', headers: { baggage: 'session.id=s1,user.tier=vip', authorization: `Bearer ${token}` } });
    const span = await serverSpan(tracing);
    assert.equal(span.attributes['user.tier'], 'premium');
    assert.equal(span.attributes['enduser.id'], 'u-7');
    assert.equal(span.attributes['journeytrace.baggage.verified'], true);
    assert.deepEqual(sentBaggage, ['session.id=s1,user.tier=premium,enduser.id=u-7']);
  });

  it('does not trust a token signed with another secret, or a verifier that throws', async () => {
    const { token } = await signSessionToken({ tier: 'vip' }, 'attacker-secret');
    const { app: edge, tracing } = app();
    await edge.request('/api/checkout', { method: 'POST', headers: { baggage: 'user.tier=vip', authorization: `Bearer ${token}` } });
    assert.equal((await serverSpan(tracing)).attributes['user.tier'], undefined);

    exporter.reset();
    const throwing = app(async () => {
      throw new Error('verifier down');
    });
    const response = await throwing.app.request('/api/checkout', { method: 'POST', headers: { baggage: 'user.tier=vip' } });
    assert.equal(response.status, 200);
    const span = await serverSpan(throwing.tracing);
    assert.equal(span.attributes['user.tier'], undefined);
    assert.equal(span.attributes['journeytrace.baggage.verified'], false);
  });
});
