import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createEdgeTracing } from '../tracing/edgeTracing.js';
import { CARRIED_CONTEXT_MAX_LENGTH, carriedHeaders, carryContext, inCarriedTrace, traceScheduled } from './index.js';

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const spans = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  /** Runs `fn` in a request's SERVER span with `baggage`. */
  const inRequest = async <T>(fn: () => T, baggage: Record<string, string> = {}) => {
    const server = tracing.tracer.startSpan('POST /api/checkout', { kind: SpanKind.SERVER });
    const entries = Object.fromEntries(Object.entries(baggage).map(([key, value]) => [key, { value }]));
    try {
      return { result: await context.with(propagation.setBaggage(trace.setSpan(context.active(), server), propagation.createBaggage(entries)), fn), server };
    } finally {
      server.end();
    }
  };
  const ctx = { waitUntil: () => {} };
  return { tracing, spans, inRequest, ctx };
}

describe('carryContext', () => {
  it('stores the active trace context; baggage only for the keys named (none by default)', async () => {
    const { tracing, inRequest } = setup();
    const baggage = { 'session.id': 's-1', 'user.tier': 'vip' };
    const { result: plain, server } = await inRequest(() => carryContext({ tracing }), baggage);
    assert.match(plain.traceparent ?? '', new RegExp(`^00-${server.spanContext().traceId}-${server.spanContext().spanId}-0[13]$`));
    assert.equal(plain.baggage, undefined);
    const { result: withTier } = await inRequest(() => carryContext({ tracing, baggageKeys: ['user.tier'] }), baggage);
    assert.equal(withTier.baggage, 'user.tier=vip');
  });
});

describe('carriedHeaders', () => {
  it('reads a record or its JSON text, keeps the three W3C fields only, and refuses anything else', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    assert.deepEqual(carriedHeaders({ traceparent, tracestate: 'a=1', other: 'x' }), { traceparent, tracestate: 'a=1' });
    assert.deepEqual(carriedHeaders(JSON.stringify({ traceparent, baggage: 'user.tier=vip' })), { traceparent, baggage: 'user.tier=vip' });
    for (const bad of [undefined, null, 42, 'not json', '[1]', '{"tracestate":"a=1"}', { traceparent: 7 }, [traceparent]]) {
      assert.equal(carriedHeaders(bad), undefined, JSON.stringify(bad));
    }
    // Oversized text is not parsed at all; an oversized field is dropped.
    assert.equal(carriedHeaders(JSON.stringify({ traceparent, padding: 'x'.repeat(CARRIED_CONTEXT_MAX_LENGTH) })), undefined);
    assert.deepEqual(carriedHeaders({ traceparent, tracestate: `a=${'1'.repeat(CARRIED_CONTEXT_MAX_LENGTH)}` }), { traceparent });
  });
});

describe('inCarriedTrace', () => {
  it('a cron job continues each stored journey: its span is a child of the span that stored the context, linked to the cron span', async () => {
    const { tracing, spans, inRequest, ctx } = setup();
    const { result: stored, server } = await inRequest(() => JSON.stringify(carryContext({ tracing })));
    let insideTraceId: string | undefined;
    const scheduled = traceScheduled(
      () =>
        inCarriedTrace(
          stored,
          { name: 'confirm order', attributes: { 'order.count': 1 } },
          () => {
            insideTraceId = trace.getActiveSpan()?.spanContext().traceId;
          },
          { tracing },
        ),
      { tracing: () => tracing },
    );
    await scheduled({ cron: '* * * * *', scheduledTime: Date.now() }, {}, ctx);
    const finished = await spans();
    const cron = finished.find((span) => span.name === 'cron * * * * *')!;
    const confirm = finished.find((span) => span.name === 'confirm order')!;
    assert.equal(confirm.kind, SpanKind.INTERNAL);
    assert.equal(confirm.spanContext().traceId, server.spanContext().traceId);
    assert.equal(confirm.parentSpanContext?.spanId, server.spanContext().spanId);
    assert.equal(insideTraceId, server.spanContext().traceId);
    assert.deepEqual(
      confirm.links.map((link) => link.context.spanId),
      [cron.spanContext().spanId],
    );
    assert.notEqual(cron.spanContext().traceId, server.spanContext().traceId);
    assert.equal(confirm.attributes['order.count'], 1);
  });

  it('a missing or malformed stored context leaves the span under the active span, unlinked', async () => {
    const { tracing, spans, inRequest } = setup();
    const { server } = await inRequest(() => inCarriedTrace('{"traceparent":"00-bad"}', { name: 'confirm order' }, () => undefined, { tracing }));
    const [confirm] = (await spans()).filter((span) => span.name === 'confirm order');
    assert.equal(confirm!.parentSpanContext?.spanId, server.spanContext().spanId);
    assert.deepEqual(confirm!.links, []);
  });

  it('records an error on the span and rethrows it unchanged', async () => {
    const { tracing, spans, inRequest } = setup();
    const { result: stored } = await inRequest(() => carryContext({ tracing }));
    const failure = new Error('order gone');
    await assert.rejects(
      inCarriedTrace(stored, { name: 'confirm order' }, () => Promise.reject(failure), { tracing }),
      (error) => error === failure,
    );
    const [confirm] = (await spans()).filter((span) => span.name === 'confirm order');
    assert.equal(confirm!.status.code, SpanStatusCode.ERROR);
    assert.equal(confirm!.events[0]?.name, 'exception');
  });
});
