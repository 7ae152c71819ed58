/**
 * The queue hop at the edge, in workerd (wrangler dev's local queues) against the real
 * collector: after a checkout the edge publishes an `order-events` message and its own
 * consumer continues the same trace; a failed delivery is retried by the runtime and the
 * retry joins the same trace.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { startWranglerDev } from '@journeytrace/tooling/stack/wranglerDev.js';
import { SpanKind, StatusCode, readKeptSpans, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { isEdgeWorkerSpan } from './support/edgeSpans.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};

const isEdge = isEdgeWorkerSpan;

test('the order-events consumer joins the checkout trace: SERVER -> PRODUCER -> CONSUMER, batch span linked', async () => {
  const traceId = crypto.randomUUID().replaceAll('-', '');
  const callerSpanId = crypto.randomUUID().replaceAll('-', '').slice(0, 16);
  const response = await fetch(`${env('JOURNEYTRACE_EDGE_URL')}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${callerSpanId}-01`, baggage: 'session.id=queue-test-session' },
    body: JSON.stringify({ scenario: 'ok' }),
  });
  expect(response.status).toBe(200);
  const { orderId } = (await response.json()) as { orderId: string };

  let spans: KeptSpan[] = [];
  const hops = () => {
    const server = spans.find((span) => isEdge(span) && span.kind === SpanKind.SERVER && span.traceId === traceId);
    const producer = spans.find((span) => isEdge(span) && span.kind === SpanKind.PRODUCER && span.traceId === traceId);
    const consumer = spans.find((span) => isEdge(span) && span.kind === SpanKind.CONSUMER && span.traceId === traceId);
    const batch = spans.find(
      (span) => isEdge(span) && span.kind === SpanKind.CONSUMER && producer !== undefined && span.links.includes(producer.spanId) && span !== consumer,
    );
    return { server, producer, consumer, batch };
  };
  await expect
    .poll(
      async () => {
        spans = await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'));
        return Object.entries(hops())
          .filter(([, span]) => !span)
          .map(([name]) => name);
      },
      { timeout: 30_000, message: `edge queue spans of trace ${traceId}` },
    )
    .toEqual([]);
  const { server, producer, consumer, batch } = hops() as Required<{ [K in keyof ReturnType<typeof hops>]: KeptSpan }>;

  expect(server.parentSpanId).toBe(callerSpanId);
  expect(producer.parentSpanId).toBe(server.spanId);
  expect(producer.name).toBe('send order-events');
  expect(producer.attributes).toMatchObject({
    'messaging.system': 'cloudflare_queues',
    'messaging.destination.name': 'order-events',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'send',
  });
  expect(consumer.parentSpanId).toBe(producer.spanId);
  expect(consumer.name).toBe('process order-events');
  expect(consumer.attributes).toMatchObject({
    'messaging.system': 'cloudflare_queues',
    'messaging.destination.name': 'order-events',
    'messaging.operation.type': 'process',
    'messaging.cloudflare_queues.message.attempts': 1,
    'session.id': 'queue-test-session',
  });
  expect(String(consumer.attributes['messaging.message.id'])).not.toBe('');
  expect(consumer.links).toEqual([producer.spanId, batch.spanId]);
  // The batch span stands on its own (a batch mixes journeys) and links to each message's producer.
  expect(batch.parentSpanId).toBe('');
  expect(Number(batch.attributes['messaging.batch.message_count'])).toBeGreaterThanOrEqual(1);
  expect(consumer.startMillis).toBeGreaterThanOrEqual(producer.startMillis);
  expect(orderId).toBeTruthy();
});

const randomHex = (length: number) => crypto.randomUUID().replaceAll('-', '').slice(0, length);

test('a failed delivery is retried: both attempts are CONSUMER spans under the producer, each batch span links to it', async () => {
  // A worker of its own (test/workers/queue-retry) whose consumer fails every first delivery.
  const worker = await startWranglerDev({
    name: 'queue-retry',
    cwd: join(ROOT, 'test/workers/queue-retry'),
    runDir: join(env('JOURNEYTRACE_RUN_DIR'), 'queue-retry'),
    vars: { OTEL_EXPORTER_OTLP_ENDPOINT: env('JOURNEYTRACE_COLLECTOR_URL') },
  });
  const url = worker.url;
  try {
    const traceId = randomHex(32);
    const response = await fetch(`${url}/send?job=retry-me`, { method: 'POST', headers: { traceparent: `00-${traceId}-${randomHex(16)}-01` } });
    expect(response.status).toBe(200);

    let spans: KeptSpan[] = [];
    const find = () => {
      const producer = spans.find((span) => span.kind === SpanKind.PRODUCER && span.traceId === traceId);
      const attempts = spans
        .filter((span) => span.kind === SpanKind.CONSUMER && span.traceId === traceId)
        .sort(
          (a, b) => Number(a.attributes['messaging.cloudflare_queues.message.attempts']) - Number(b.attributes['messaging.cloudflare_queues.message.attempts']),
        );
      const batches = spans.filter(
        (span) => span.kind === SpanKind.CONSUMER && producer !== undefined && span.traceId !== traceId && span.links.includes(producer.spanId),
      );
      return { producer, attempts, batches };
    };
    await expect
      .poll(
        async () => {
          spans = await readKeptSpans(env('JOURNEYTRACE_TRACES_FILE'));
          const { producer, attempts, batches } = find();
          return { producer: producer !== undefined, attempts: attempts.length, batches: batches.length };
        },
        { timeout: 30_000, message: `retried queue spans of trace ${traceId}` },
      )
      .toEqual({ producer: true, attempts: 2, batches: 2 });

    const { producer, attempts, batches } = find();
    expect(producer!.attributes['messaging.destination.name']).toBe('retry-jobs');
    for (const attempt of attempts) {
      expect(attempt.parentSpanId).toBe(producer!.spanId);
      expect(attempt.links[0]).toBe(producer!.spanId);
    }
    expect(attempts.map((span) => [span.attributes['messaging.cloudflare_queues.message.attempts'], span.statusCode])).toEqual([
      [1, StatusCode.ERROR],
      [2, StatusCode.UNSET],
    ]);
    expect(attempts[0]!.events).toContain('exception');
    expect(attempts[0]!.attributes['messaging.message.id']).toBe(attempts[1]!.attributes['messaging.message.id']);
    // Each delivery's batch span is the second link of its attempt.
    expect(attempts.map((span) => span.links[1]).sort()).toEqual(batches.map((span) => span.spanId).sort());
  } finally {
    await worker.stop();
  }
});
