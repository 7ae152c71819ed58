/**
 * Traced publish and consume over the demo's orders-queue broker. The trace context travels in
 * the message headers (W3C traceparent, tracestate, baggage), so the consumer, another
 * process, continues the producer's trace: a PRODUCER span around the send, a CONSUMER span
 * per message whose parent is the producer's span (one journey, one trace) and which also
 * links to it, as the OpenTelemetry messaging conventions describe for a process span.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Span } from '@opentelemetry/api';

// Messaging semantic conventions (incubating; copied rather than imported from the incubating entry).
export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_MESSAGING_DELIVERY_COUNT = 'messaging.message.delivery_count';
/** The broker's name as `messaging.system` (not one of the well-known values: it is the demo's own). */
export const MESSAGING_SYSTEM = 'journeytrace_queue';

/** Redeliveries of a message whose handler threw, before it is dropped (and logged). */
export const MAX_DELIVERY_ATTEMPTS = 3;

const tracer = () => trace.getTracer('journeytrace-demo-messaging');

export interface QueueMessage {
  id: string;
  headers: Record<string, string>;
  body: unknown;
  attempts: number;
}

/** Publishes `body` to `queue` with the active context in the message headers. */
export function publish(brokerUrl: string, queue: string, body: unknown): Promise<string> {
  return tracer().startActiveSpan(
    `send ${queue}`,
    { kind: SpanKind.PRODUCER, attributes: messagingAttributes(queue, 'send') },
    async (span) => {
      const headers: Record<string, string> = {};
      propagation.inject(context.active(), headers);
      try {
        const response = await fetch(`${brokerUrl}/queues/${queue}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ headers, body }),
        });
        if (!response.ok) throw new Error(`broker refused the message: HTTP ${response.status}`);
        const { id } = (await response.json()) as { id: string };
        span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, id);
        return id;
      } catch (error) {
        markError(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Receives messages from `queue` until `signal` aborts, handling each in a CONSUMER span that
 * continues the producer's trace. A handler that throws gets the message redelivered, up to
 * MAX_DELIVERY_ATTEMPTS; each delivery is its own span with `messaging.message.delivery_count`.
 */
export async function consume(
  brokerUrl: string,
  queue: string,
  handler: (body: unknown, message: QueueMessage) => Promise<void>,
  signal: AbortSignal,
  onDrop: (message: QueueMessage, error: unknown) => void = () => {},
): Promise<void> {
  while (!signal.aborted) {
    const message = await receive(brokerUrl, queue, signal);
    if (!message) continue;
    const parent = propagation.extract(ROOT_CONTEXT, message.headers);
    const producer = trace.getSpanContext(parent);
    await tracer().startActiveSpan(
      `process ${queue}`,
      {
        kind: SpanKind.CONSUMER,
        links: producer ? [{ context: producer }] : [],
        attributes: {
          ...messagingAttributes(queue, 'process'),
          [ATTR_MESSAGING_MESSAGE_ID]: message.id,
          [ATTR_MESSAGING_DELIVERY_COUNT]: message.attempts,
        },
      },
      parent,
      async (span) => {
        try {
          await handler(message.body, message);
        } catch (error) {
          markError(span, error);
          if (message.attempts < MAX_DELIVERY_ATTEMPTS) await retry(brokerUrl, queue, message);
          else onDrop(message, error);
        } finally {
          span.end();
        }
      },
    );
  }
}

async function receive(brokerUrl: string, queue: string, signal: AbortSignal): Promise<QueueMessage | undefined> {
  try {
    const response = await fetch(`${brokerUrl}/queues/${queue}/messages?waitMs=20000`, { signal });
    if (response.status === 204) return undefined;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return (await response.json()) as QueueMessage;
  } catch {
    // Broker down or stopping: wait a little, then poll again (unless aborted).
    if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1000));
    return undefined;
  }
}

async function retry(brokerUrl: string, queue: string, message: QueueMessage): Promise<void> {
  await fetch(`${brokerUrl}/queues/${queue}/messages/${message.id}/retry`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
  }).catch(() => undefined);
}

function messagingAttributes(queue: string, operation: 'send' | 'process') {
  return {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM,
    [ATTR_MESSAGING_DESTINATION_NAME]: queue,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
  };
}

/** Records an error on a span: exception event and ERROR status. */
export function markError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setAttribute('error.type', err.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}
