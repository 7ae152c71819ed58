/**
 * @module
 * Batch consumption of the orders topic with each message's journey continued, redelivery of a
 * failed message and a dead-letter topic.
 *
 * Where `@opentelemetry/instrumentation-kafkajs` (0.33) falls short: for `eachBatch` it starts a
 * `poll <topic>` span as a new root and the per-message `process` spans under it, linked to
 * their producers, and runs the handler in the poll's context, without the messages' baggage.
 * The journey would stop at the topic. So, per message, this handler starts the kit's own
 * CONSUMER span `process <topic>` whose parent is the message's producer (one journey, one
 * trace), which links to the producer and to the batch's poll span (the messaging conventions'
 * batch view), and runs the handler in that context, baggage included (so the allow-listed,
 * verified `user.tier` and `session.id` go on across the topic).
 *
 * A handler that throws leaves the message unresolved: kafkajs fetches it again (a new delivery,
 * a new span with `messaging.message.delivery_count`). After `maxDeliveryAttempts` it goes to the
 * dead-letter topic (its PRODUCER span is a child of the last failed delivery's span, in the
 * journey's trace) and the partition moves on.
 */
import { ROOT_CONTEXT, SpanKind, context, propagation, trace, type Link, type Tracer } from '@opentelemetry/api';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { kafkaHeaderGetter } from '../shared/kafkaHeaders.js';
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DELIVERY_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_KAFKA,
  markError,
} from '../shared/messaging.js';

export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 3;
/** Delivery counts remembered at most (a message's count is forgotten once it is resolved). */
export const MAX_TRACKED_DELIVERIES = 10_000;

export interface OrdersConsumerOptions {
  groupId: string;
  /** Handles one message; throws to have it delivered again. Runs in the message's journey context. */
  handle: (message: KafkaMessage) => Promise<void>;
  /** Sends a message that failed its last delivery to the dead-letter topic. */
  deadLetter: (message: KafkaMessage, error: unknown, attempts: number, source: { topic: string; partition: number }) => Promise<void>;
  /** Deliveries before a message goes to the dead-letter topic. Default 3. */
  maxDeliveryAttempts?: number;
  tracer?: Tracer;
}

export type BatchPayload = Pick<EachBatchPayload, 'batch' | 'resolveOffset' | 'heartbeat' | 'isRunning' | 'isStale'>;

/** The `eachBatch` handler for kafkajs' `consumer.run`. */
export function ordersBatchHandler(options: OrdersConsumerOptions): (payload: BatchPayload) => Promise<void> {
  const maxAttempts = Math.max(1, options.maxDeliveryAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS);
  const tracer = options.tracer ?? trace.getTracer('journeytrace-demo-orders-worker');
  const deliveries = new Map<string, number>();

  return async function ordersBatchHandler({ batch, resolveOffset, heartbeat, isRunning, isStale }: BatchPayload): Promise<void> {
    // The batch's own span (instrumentation-kafkajs' `poll`), active while eachBatch runs.
    const batchSpan = trace.getActiveSpan()?.spanContext();
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      const key = `${batch.topic}/${batch.partition}/${message.offset}`;
      const attempts = (deliveries.get(key) ?? 0) + 1;
      remember(deliveries, key, attempts);
      const parent = propagation.extract(ROOT_CONTEXT, message.headers, kafkaHeaderGetter);
      const producer = trace.getSpanContext(parent);
      const links: Link[] = [...(producer ? [{ context: producer }] : []), ...(batchSpan ? [{ context: batchSpan }] : [])];
      const span = tracer.startSpan(
        `process ${batch.topic}`,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: {
            [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
            [ATTR_MESSAGING_DESTINATION_NAME]: batch.topic,
            [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(batch.partition),
            [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
            [ATTR_MESSAGING_OPERATION_NAME]: 'process',
            [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: options.groupId,
            [ATTR_MESSAGING_KAFKA_OFFSET]: Number(message.offset),
            ...(message.key ? { [ATTR_MESSAGING_KAFKA_MESSAGE_KEY]: message.key.toString('utf8') } : {}),
            [ATTR_MESSAGING_DELIVERY_COUNT]: attempts,
          },
        },
        parent,
      );
      try {
        await context.with(trace.setSpan(parent, span), async () => {
          try {
            await options.handle(message);
          } catch (error) {
            markError(span, error);
            if (attempts < maxAttempts) throw error;
            await options.deadLetter(message, error, attempts, { topic: batch.topic, partition: batch.partition });
          }
        });
      } finally {
        span.end();
      }
      // Handled, or dead-lettered: the partition moves past it.
      deliveries.delete(key);
      resolveOffset(message.offset);
      await heartbeat();
    }
  };
}

function remember(deliveries: Map<string, number>, key: string, attempts: number): void {
  if (!deliveries.has(key) && deliveries.size >= MAX_TRACKED_DELIVERIES) deliveries.delete(deliveries.keys().next().value!);
  deliveries.set(key, attempts);
}
