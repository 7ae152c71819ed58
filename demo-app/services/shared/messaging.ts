/**
 * Messaging semantic conventions for the orders topic (incubating; copied rather than imported
 * from the incubating entry), and how the demo records an error on a span.
 * @see https://opentelemetry.io/docs/specs/semconv/messaging/kafka/
 */
import { SpanStatusCode, type Span } from '@opentelemetry/api';

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_DESTINATION_PARTITION_ID = 'messaging.destination.partition.id';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';
export const ATTR_MESSAGING_KAFKA_OFFSET = 'messaging.kafka.offset';
export const ATTR_MESSAGING_KAFKA_MESSAGE_KEY = 'messaging.kafka.message.key';
/** How many times this message was delivered to the group (1 on the first delivery). Not (yet) a convention: the demo's own. */
export const ATTR_MESSAGING_DELIVERY_COUNT = 'messaging.message.delivery_count';
export const MESSAGING_SYSTEM_KAFKA = 'kafka';

/** Records an error on a span: exception event and ERROR status. */
export function markError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setAttribute('error.type', err.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}
