import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { activeContext } from '../context/activeContext.js';
import { recordSetter } from '../fetch/headersCarrier.js';
import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { ATTR_ERROR_TYPE } from '../semconv.js';
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
  MESSAGING_SYSTEM_VALUE_CLOUDFLARE_QUEUES,
} from './semconv.js';
import type { QueueProducer, QueueSendOptions, TracedMessageBody, WaitUntil } from './types.js';

export interface TracedQueueOptions {
  /** The queue's name (`messaging.destination.name`); the binding does not know it. */
  name: string;
  /** Where the PRODUCER spans go (e.g. `tracingFromEnv(env)`). */
  tracing: EdgeTracing;
  /** Exports the spans after the response (`c.executionCtx`); without it they wait for the next flush. */
  executionCtx?: WaitUntil;
}

/** A producer that sends with trace context: `send` and `sendBatch` like the binding's own. */
export interface TracedQueue<Body> {
  send(body: Body, options?: QueueSendOptions): Promise<void>;
  sendBatch(messages: Iterable<{ body: Body } & QueueSendOptions>, options?: { delaySeconds?: number }): Promise<void>;
}

/**
 * Wraps a Cloudflare Queue producer binding: each send runs in a PRODUCER span (`send <queue>`,
 * child of the active span) and every message carries that span's context as W3C headers in a
 * `{ headers, body }` envelope, which `traceQueueConsumer` unwraps. One span for a whole
 * `sendBatch`, with `messaging.batch.message_count`, as the messaging conventions describe
 * for batch sends. Cloudflare does not return message ids on send, so none is recorded here.
 *
 * @example
 * ```ts
 * const orders = tracedQueue(c.env.ORDER_EVENTS, { name: 'order-events', tracing: tracingFromEnv(c.env), executionCtx: c.executionCtx })
 * await orders.send({ orderId })
 * ```
 * @see https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/#span-name
 */
export function tracedQueue<Body>(queue: QueueProducer<TracedMessageBody<Body>>, options: TracedQueueOptions): TracedQueue<Body> {
  const { name, tracing } = options;

  async function inProducerSpan(count: number | undefined, send: (headers: Record<string, string>) => Promise<unknown>): Promise<void> {
    const parent = activeContext();
    const span = tracing.tracer.startSpan(
      `send ${name}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_VALUE_CLOUDFLARE_QUEUES,
          [ATTR_MESSAGING_DESTINATION_NAME]: name,
          [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_SEND,
          [ATTR_MESSAGING_OPERATION_NAME]: count === undefined ? 'send' : 'sendBatch',
          ...(count === undefined ? {} : { [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: count }),
        },
      },
      parent,
    );
    const headers: Record<string, string> = {};
    tracing.propagator.inject(trace.setSpan(parent, span), headers, recordSetter);
    try {
      await send(headers);
    } catch (error) {
      markError(span, error);
      throw error;
    } finally {
      span.end();
      const flushed = tracing.flushWhenDue();
      try {
        if (flushed) options.executionCtx?.waitUntil(flushed.catch(() => {}));
      } catch {
        // No ExecutionContext (tests): the flush runs on its own.
      }
    }
  }

  return {
    send: (body, sendOptions) => inProducerSpan(undefined, (headers) => queue.send({ headers, body }, sendOptions)),
    sendBatch: (messages, batchOptions) => {
      const list = [...messages];
      return inProducerSpan(list.length, (headers) =>
        queue.sendBatch(
          list.map(({ body, ...rest }) => ({ ...rest, body: { headers, body } })),
          batchOptions,
        ),
      );
    },
  };
}

export function markError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setAttribute(ATTR_ERROR_TYPE, err.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}
