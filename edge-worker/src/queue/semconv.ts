/**
 * Messaging semantic conventions (release candidate in the spec, incubating in
 * @opentelemetry/semantic-conventions: copied here rather than imported from that entry).
 * @see https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
 */
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
/** System-specific attributes live under `messaging.<system>.*`, as for Kafka or RabbitMQ. */
export const ATTR_MESSAGING_CLOUDFLARE_QUEUES_MESSAGE_ATTEMPTS = 'messaging.cloudflare_queues.message.attempts';

/** `messaging.system`: Cloudflare Queues has no registered value yet. */
export const MESSAGING_SYSTEM_VALUE_CLOUDFLARE_QUEUES = 'cloudflare_queues';
export const MESSAGING_OPERATION_TYPE_VALUE_SEND = 'send';
export const MESSAGING_OPERATION_TYPE_VALUE_PROCESS = 'process';
