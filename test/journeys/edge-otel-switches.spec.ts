/**
 * The edge's OpenTelemetry switches, each on a stack of its own (the edge in workerd with the real
 * origin services, queues and collector):
 *
 * - `OTEL_SDK_DISABLED=true`: the checkout still goes through every hop (origin, the origin's
 *   queue, the edge's own order-events queue), but the edge records and propagates nothing. The
 *   caller's trace stops at the edge: no edge span reaches the collector, the origin starts a
 *   trace of its own, and the edge's queue consumer runs in no trace. The browser-span relay
 *   forwards nothing either, and tells the page so.
 * - `OTEL_TRACES_EXPORTER=none` and `OTEL_METRICS_EXPORTER=none`: the edge sends no span and no
 *   metric, yet the trace still crosses it: `Server-Timing` names it, and the origin continues the
 *   caller's trace under the edge's (unsent) CLIENT span, with the journey's baggage.
 * - `OTEL_TRACES_SAMPLER=parentbased_traceidratio` with `OTEL_TRACES_SAMPLER_ARG=0`: a journey the
 *   browser sampled is traced through the edge as before; a request that comes without a trace is
 *   not recorded anywhere, yet its (unsampled) trace id still reaches the origin, and the edge's
 *   metrics count it, with no exemplar.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { randomHex } from '../../collector/support/spanSender.js';
import { browserSpans, jsonBody } from '@journeytrace/tooling/fixtures/testSpans.js';
import { SpanKind, readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';
import type { Stack } from '@journeytrace/tooling/stack/stack.js';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { metricServices, readHistograms } from './support/histograms.js';
import { isEdgeWorkerServer } from './support/edgeSpans.js';

/**
 * The edge worker's own spans (its cart Durable Object runs in the same Worker, with the same
 * bindings). The recommendations Worker behind its service binding is a Worker of its own, with its
 * own `OTEL_*` bindings, as an origin service is.
 */
const isEdge = (span: KeptSpan) => span.resource['cloud.provider'] === 'cloudflare' && span.service !== 'recommendations';
/** Longer than the edge's longest span and metrics hold (1 s) and the collector's decision wait in tests. */
const SETTLE_MILLIS = 4000;

/** The edge's log lines (JSON, one per line) that say `msg`. */
function edgeLog(stack: Stack, msg: string): Array<Record<string, unknown>> {
  const text = readFileSync(join(stack.runDir, 'edge-worker.log'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.includes(`"msg":"${msg}"`))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>);
}

/**
 * A checkout straight at the edge, as the browser would send it (or, with `traceparent: false`,
 * as a client without tracing would): its trace id, response and order id.
 */
async function checkoutAtEdge(stack: Stack, baggage: string, { traceparent = true } = {}) {
  const traceId = randomHex(32);
  const parentId = randomHex(16);
  const response = await fetch(`${stack.urls.edge}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', baggage, ...(traceparent ? { traceparent: `00-${traceId}-${parentId}-01` } : {}) },
    body: JSON.stringify({ scenario: 'ok' }),
  });
  expect(response.status).toBe(200);
  const { orderId } = (await response.json()) as { orderId: string };
  expect(orderId).toBeTruthy();
  return { traceId, parentId, response, orderId };
}

test.describe('OTEL_SDK_DISABLED=true', () => {
  const stack = useDedicatedStack({ name: 'edge-sdk-disabled', edgeVars: { OTEL_SDK_DISABLED: 'true' } });

  test('a checkout passes through a disabled edge: no edge spans, no trace headers to the origin, queue consumer in no trace', async () => {
    const { traceId, response, orderId } = await checkoutAtEdge(stack(), 'session.id=disabled-edge,user.tier=vip');
    expect(response.headers.get('server-timing')).toBeNull();

    // The origin's spans for this order arrive (the collector pipeline works), and the edge's
    // consumer has processed the order event.
    let spans: KeptSpan[] = [];
    await expect
      .poll(
        async () => {
          spans = await readKeptSpans(stack().tracesFile);
          const originServer = spans.find(
            (span) =>
              span.service === 'checkout-api' &&
              span.kind === SpanKind.SERVER &&
              spans.some((s) => s.traceId === span.traceId && s.attributes['order.id'] === orderId),
          );
          return Boolean(originServer) && edgeLog(stack(), 'order event processed').some((line) => line.orderId === orderId);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    // Spans the edge had sent would be in the file by now.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MILLIS));
    spans = await readKeptSpans(stack().tracesFile);

    expect(spans.filter(isEdge), 'no span from the edge').toEqual([]);
    expect(
      spans.filter((span) => span.traceId === traceId),
      "nothing in the caller's trace",
    ).toEqual([]);
    const order = spans.find((span) => span.attributes['order.id'] === orderId)!;
    const originServer = spans.find((span) => span.traceId === order.traceId && span.service === 'checkout-api' && span.kind === SpanKind.SERVER)!;
    expect(originServer.parentSpanId, 'the origin got no traceparent: it starts the trace').toBe('');
    expect(originServer.attributes['session.id'], 'nor baggage').toBeUndefined();
    const consumed = edgeLog(stack(), 'order event processed').find((line) => line.orderId === orderId)!;
    expect(consumed.trace_id === undefined || /^0+$/.test(String(consumed.trace_id)), `consumer log in no trace (${String(consumed.trace_id)})`).toBe(true);
  });

  test("the relay forwards no browser span: the page's batch gets a partial success that rejects it all, with the reason", async () => {
    // An error span of a premium session: one the tail sampler would keep, had it been forwarded.
    const spans = await browserSpans(Date.now() - 5_000);
    const response = await fetch(`${stack().urls.edge}/v1/traces`, {
      method: 'POST',
      headers: { origin: stack().urls.app, 'content-type': 'application/json' },
      body: jsonBody(spans) as Uint8Array<ArrayBuffer>,
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
    expect(answer.partialSuccess?.rejectedSpans).toBe(String(spans.length));
    expect(answer.partialSuccess?.errorMessage).toContain('OTEL_SDK_DISABLED');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MILLIS));
    const traceId = spans[0]!.spanContext().traceId;
    expect(
      (await readKeptSpans(stack().tracesFile)).filter((span) => span.traceId === traceId),
      'no relayed span',
    ).toEqual([]);
  });

  test('the demo page exports through the disabled relay: every export answered with all its spans rejected, none at the collector', async ({ page }) => {
    const relayUrl = `${stack().urls.edge}/v1/traces`;
    const answers: Array<{ traceIds: string[]; rejected: number; reason: string }> = [];
    page.on('response', (response) => {
      if (response.url() !== relayUrl || response.request().method() !== 'POST') return;
      void (async () => {
        const bytes = response.request().postDataBuffer() ?? Buffer.alloc(0);
        const gzipped = (await response.request().headerValue('content-encoding')) === 'gzip';
        const sent = JSON.parse((gzipped ? gunzipSync(bytes) : bytes).toString('utf8')) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ traceId: string }> }> }>;
        };
        const answer = (await response.json()) as { partialSuccess?: { rejectedSpans?: string; errorMessage?: string } };
        answers.push({
          traceIds: sent.resourceSpans.flatMap((resource) => resource.scopeSpans).flatMap((scope) => scope.spans.map((span) => span.traceId)),
          rejected: Number(answer.partialSuccess?.rejectedSpans ?? 0),
          reason: answer.partialSuccess?.errorMessage ?? '',
        });
      })();
    });
    await page.goto(stack().urls.app);
    await page.locator('[data-testid=checkout]').click();
    const result = page.locator('[data-testid=result]');
    await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/, { timeout: 20_000 });
    const traceId = (await result.getAttribute('data-trace-id'))!;
    // Until the checkout's own spans have gone out (with the page load's, or after them).
    await expect.poll(() => answers.some((answer) => answer.traceIds.includes(traceId)), { timeout: 15_000 }).toBe(true);
    for (const answer of answers) {
      expect(answer.traceIds.length).toBeGreaterThan(0);
      expect(answer.rejected, 'every span of the export rejected').toBe(answer.traceIds.length);
      expect(answer.reason).toContain('OTEL_SDK_DISABLED');
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MILLIS));
    expect(
      (await readKeptSpans(stack().tracesFile)).filter((span) => span.resource['telemetry.sdk.language'] === 'webjs'),
      'no browser span',
    ).toEqual([]);
  });
});

test.describe('OTEL_TRACES_EXPORTER=none and OTEL_METRICS_EXPORTER=none', () => {
  // Every trace kept whole (the edge's unverified tier claim is dropped, so no tier policy keeps it).
  const stack = useDedicatedStack({
    name: 'edge-exporters-none',
    edgeVars: { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
    collectorEnv: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' },
  });

  test('the edge sends no span and no metric, and the trace still crosses it to the origin with its baggage', async () => {
    const { traceId, parentId, response } = await checkoutAtEdge(stack(), 'session.id=exporters-none');
    expect(response.headers.get('server-timing'), "Server-Timing names the edge span in the caller's trace").toContain(`traceparent;desc="00-${traceId}-`);

    // The origin continues the caller's trace, and the origin's metrics arrive (both pipelines work).
    let originServer: KeptSpan | undefined;
    await expect
      .poll(
        async () => {
          originServer = (await readKeptSpans(stack().tracesFile)).find(
            (span) => span.traceId === traceId && span.service === 'checkout-api' && span.kind === SpanKind.SERVER,
          );
          return Boolean(originServer) && (await metricServices(stack().metricsFile)).has('checkout-api');
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MILLIS));
    const spans = await readKeptSpans(stack().tracesFile);

    expect(spans.filter(isEdge), 'no span from the edge').toEqual([]);
    expect((await metricServices(stack().metricsFile)).has('edge-worker'), 'no metric from the edge').toBe(false);
    expect(originServer!.parentSpanId, "the origin's parent is the edge's CLIENT span, not the caller's").not.toBe(parentId);
    expect(originServer!.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(
      spans.some((span) => span.spanId === originServer!.parentSpanId),
      'that edge span was made, not sent',
    ).toBe(false);
    expect(originServer!.attributes['session.id'], 'the baggage crossed the edge').toBe('exporters-none');
  });
});

test.describe('OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=0', () => {
  const stack = useDedicatedStack({
    name: 'edge-sampler-ratio',
    edgeVars: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
    collectorEnv: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' },
  });

  test("the browser's sampled journey is traced through the edge; a request without a trace is recorded nowhere", async () => {
    const untraced = await checkoutAtEdge(stack(), 'session.id=no-trace', { traceparent: false });
    const edgeTraceparent = /traceparent;desc="([^"]+)"/.exec(untraced.response.headers.get('server-timing') ?? '')?.[1] ?? '';
    // The edge started the trace (random id, Level 2 random flag) and did not sample it.
    expect(edgeTraceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-02$/);
    const unsampledTraceId = edgeTraceparent.slice(3, 35);

    const sampled = await checkoutAtEdge(stack(), 'session.id=sampled-journey');
    await expect
      .poll(
        async () => {
          const spans = (await readKeptSpans(stack().tracesFile)).filter((span) => span.traceId === sampled.traceId);
          return [
            spans.some((span) => isEdge(span) && span.kind === SpanKind.SERVER),
            spans.some((span) => span.service === 'checkout-api' && span.kind === SpanKind.SERVER),
          ];
        },
        { timeout: 30_000 },
      )
      .toEqual([true, true]);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MILLIS));
    const spans = await readKeptSpans(stack().tracesFile);

    const edgeServer = spans.find((span) => span.traceId === sampled.traceId && isEdgeWorkerServer(span) && span.name.startsWith('POST'))!;
    expect(edgeServer.parentSpanId, "the edge continues the browser's journey").toBe(sampled.parentId);
    expect(
      spans.filter((span) => span.traceId === unsampledTraceId),
      'nothing of the unsampled trace, at the edge or the origin',
    ).toEqual([]);
    // The origin did serve it: its order went through, in a trace nobody recorded.
    expect(
      spans.some((span) => span.attributes['order.id'] === untraced.orderId),
      'the origin sampled by its parent too',
    ).toBe(false);

    // The edge's metrics count both requests; only the recorded one can be an exemplar.
    const edgeCheckout = async () =>
      (await readHistograms(stack().metricsFile, 'http.server.request.duration')).filter(
        (point) => point.service === 'edge-worker' && point.attributes['http.route'] === '/api/checkout',
      );
    await expect.poll(async () => (await edgeCheckout()).reduce((sum, point) => sum + point.count, 0), { timeout: 15_000 }).toBe(2);
    const exemplarTraces = (await edgeCheckout()).flatMap((point) => point.exemplars.map((exemplar) => exemplar.traceId));
    expect(exemplarTraces, 'the sampled request is an exemplar').toContain(sampled.traceId);
    expect(exemplarTraces, 'the unsampled one is not').not.toContain(unsampledTraceId);
  });
});
