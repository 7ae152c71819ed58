import { ROOT_CONTEXT, SpanKind, trace, type Link, type SpanContext } from '@opentelemetry/api';
import { withActiveContext } from '../context/activeContext.js';
import { recordGetter } from '../fetch/headersCarrier.js';
import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { tracingFromEnv, type TracingBindings } from '../otelEnv/tracingFromEnv.js';
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CLOUDFLARE_QUEUES_MESSAGE_ATTEMPTS,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_SYSTEM_VALUE_CLOUDFLARE_QUEUES,
} from './semconv.js';
import { markError } from './tracedQueue.js';
import type { QueueBatch, QueueMessage, TracedMessageBody, WaitUntil } from './types.js';

/** Handles one message's payload; throwing asks the queue to deliver it again. */
export type ProcessMessage<Body, Env> = (body: Body, message: QueueMessage<unknown>, env: Env, ctx: WaitUntil) => Promise<void> | void;

export interface TraceQueueConsumerOptions<Env> {
  /** Where the CONSUMER spans go. Default: `tracingFromEnv(env)` (the `OTEL_*` bindings). */
  tracing?: (env: Env) => EdgeTracing;
}

function isTracedBody(body: unknown): body is TracedMessageBody<unknown> {
  if (typeof body !== 'object' || body === null || !('headers' in body) || !('body' in body)) return false;
  const headers = (body as { headers: unknown }).headers;
  return typeof headers === 'object' && headers !== null && Object.values(headers).every((value) => typeof value === 'string');
}

/**
 * Builds a worker's `queue()` handler that continues each message's trace.
 *
 * Span design (OpenTelemetry messaging conventions, "process" spans):
 * - one CONSUMER span per delivered batch, `process <queue>` with `messaging.batch.message_count`,
 *   linked to the creation context of every message in it. Messages of one batch come from many
 *   journeys, so this span cannot have one parent: the conventions ask for links instead;
 * - one CONSUMER span per message, `process <queue>` with `messaging.message.id`, whose parent is
 *   the producer's span (the journey stays ONE trace across the queue), linked to that creation
 *   context too (as the conventions recommend even when parenting) and to the batch span.
 * A retried message is delivered again with the same headers: each attempt is another span
 * under the same producer span, with `messaging.cloudflare_queues.message.attempts`, and the
 * attempt's batch span links to it, so retries show up as siblings in the journey's trace.
 *
 * Messages are acknowledged one by one: a message whose handler throws is retried without
 * redelivering the ones that succeeded. Bodies not sent by `tracedQueue` are processed as
 * they are, in a new trace.
 *
 * @example
 * ```ts
 * export default {
 *   fetch: app.fetch,
 *   queue: traceQueueConsumer<{ orderId: string }, Env>(async (order) => { ... }),
 * }
 * ```
 * @see https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/#consumer-spans
 */
export function traceQueueConsumer<Body, Env extends object & TracingBindings = TracingBindings>(
  processMessage: ProcessMessage<Body, Env>,
  options: TraceQueueConsumerOptions<Env> = {},
) {
  return async function queue(batch: QueueBatch<unknown>, env: Env, ctx: WaitUntil): Promise<void> {
    const tracing = options.tracing?.(env) ?? tracingFromEnv(env);
    const common = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_CLOUDFLARE_QUEUES,
      [ATTR_MESSAGING_DESTINATION_NAME]: batch.queue,
      [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
      [ATTR_MESSAGING_OPERATION_NAME]: 'process',
    };
    const deliveries = batch.messages.map((message) => {
      const traced = isTracedBody(message.body);
      const parent = traced ? tracing.propagator.extract(ROOT_CONTEXT, (message.body as TracedMessageBody<unknown>).headers, recordGetter) : ROOT_CONTEXT;
      return {
        message,
        parent,
        creation: trace.getSpanContext(parent),
        body: (traced ? (message.body as TracedMessageBody<Body>).body : message.body) as Body,
      };
    });
    const creationLinks = (creation: SpanContext | undefined): Link[] => (creation ? [{ context: creation }] : []);

    const batchSpan = tracing.tracer.startSpan(
      `process ${batch.queue}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: { ...common, [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: batch.messages.length },
        links: deliveries.flatMap(({ creation }) => creationLinks(creation)),
        root: true,
      },
      ROOT_CONTEXT,
    );
    tracing.requestStarted();
    try {
      for (const { message, parent, creation, body } of deliveries) {
        const span = tracing.tracer.startSpan(
          `process ${batch.queue}`,
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              ...common,
              [ATTR_MESSAGING_MESSAGE_ID]: message.id,
              [ATTR_MESSAGING_CLOUDFLARE_QUEUES_MESSAGE_ATTEMPTS]: message.attempts,
            },
            links: [...creationLinks(creation), { context: batchSpan.spanContext() }],
          },
          parent,
        );
        try {
          await withActiveContext(trace.setSpan(parent, span), () => processMessage(body, message, env, ctx));
          message.ack();
        } catch (error) {
          markError(span, error);
          message.retry();
        } finally {
          span.end();
        }
      }
    } finally {
      batchSpan.end();
      const flushed = tracing.requestEnded();
      if (flushed) ctx.waitUntil(flushed.catch(() => {}));
    }
  };
}
