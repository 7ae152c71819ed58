/**
 * `OTEL_SDK_DISABLED=true` on the edge, in workerd with the real origin services, queue and
 * collector: the checkout still goes through every hop (origin, the origin's queue, the edge's
 * own order-events queue), but the edge records and propagates nothing. The caller's trace
 * stops at the edge: no edge span reaches the collector, the origin starts a trace of its own,
 * and the edge's queue consumer runs in no trace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SpanKind, readKeptSpans, type KeptSpan } from '../fixture/collectorOutput.js';
import { useDedicatedStack } from './support/dedicatedStack.js';

const stack = useDedicatedStack({ name: 'edge-sdk-disabled', edgeVars: { OTEL_SDK_DISABLED: 'true' } });

const randomHex = (length: number) => crypto.randomUUID().replaceAll('-', '').slice(0, length);
const isEdge = (span: KeptSpan) => span.resource['cloud.provider'] === 'cloudflare';

/** The edge's log lines (JSON, one per line) that say `msg`. */
function edgeLog(msg: string): Array<Record<string, unknown>> {
  const text = readFileSync(join(stack().runDir, 'edge-worker.log'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.includes(`"msg":"${msg}"`))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
}

test('a checkout passes through a disabled edge: no edge spans, no trace headers to the origin, queue consumer in no trace', async () => {
  const traceId = randomHex(32);
  const response = await fetch(`${stack().urls.edge}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${randomHex(16)}-01`, baggage: 'session.id=disabled-edge,user.tier=vip' },
    body: JSON.stringify({ scenario: 'ok' }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('server-timing')).toBeNull();
  const { orderId } = (await response.json()) as { orderId: string };
  expect(orderId).toBeTruthy();

  // The origin's spans for this order arrive (the collector pipeline works), and the edge's
  // consumer has processed the order event.
  let spans: KeptSpan[] = [];
  await expect
    .poll(
      async () => {
        spans = await readKeptSpans(stack().tracesFile);
        const originServer = spans.find((span) => span.service === 'checkout-api' && span.kind === SpanKind.SERVER && spans.some((s) => s.traceId === span.traceId && s.attributes['order.id'] === orderId));
        return Boolean(originServer) && edgeLog('order event processed').some((line) => line.orderId === orderId);
      },
      { timeout: 30_000 },
    )
    .toBe(true);
  // Longer than the edge's longest span hold (1 s) and the collector's decision wait in tests:
  // spans the edge had sent would be in the file by now.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  spans = await readKeptSpans(stack().tracesFile);

  expect(spans.filter(isEdge), 'no span from the edge').toEqual([]);
  expect(spans.filter((span) => span.traceId === traceId), "nothing in the caller's trace").toEqual([]);
  const order = spans.find((span) => span.attributes['order.id'] === orderId)!;
  const originServer = spans.find((span) => span.traceId === order.traceId && span.service === 'checkout-api' && span.kind === SpanKind.SERVER)!;
  expect(originServer.parentSpanId, 'the origin got no traceparent: it starts the trace').toBe('');
  expect(originServer.attributes['session.id'], 'nor baggage').toBeUndefined();
  const consumed = edgeLog('order event processed').find((line) => line.orderId === orderId)!;
  expect(consumed.trace_id === undefined || /^0+$/.test(String(consumed.trace_id)), `consumer log in no trace (${String(consumed.trace_id)})`).toBe(true);
});
