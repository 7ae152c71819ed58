/**
 * The parts of the Cloudflare Queues runtime API the queue hop uses, typed structurally so
 * the real bindings (`@cloudflare/workers-types`) fit without depending on them.
 * @see https://developers.cloudflare.com/queues/configuration/javascript-apis/
 */

export interface QueueSendOptions {
  contentType?: 'json' | 'text' | 'bytes' | 'v8';
  delaySeconds?: number;
}

/** A producer binding (`[[queues.producers]]`). */
export interface QueueProducer<Body = unknown> {
  send(body: Body, options?: QueueSendOptions): Promise<unknown>;
  sendBatch(messages: Iterable<{ body: Body } & QueueSendOptions>, options?: { delaySeconds?: number }): Promise<unknown>;
}

/** One delivered message. */
export interface QueueMessage<Body = unknown> {
  readonly id: string;
  readonly timestamp: Date;
  readonly body: Body;
  /** 1 on the first delivery, more on retries. */
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** What the runtime passes to a worker's `queue()` handler. */
export interface QueueBatch<Body = unknown> {
  readonly queue: string;
  readonly messages: readonly QueueMessage<Body>[];
}

export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * What travels on the queue: the trace context as W3C headers next to the payload, so the
 * consumer (another invocation, maybe another worker) continues the producer's trace.
 */
export interface TracedMessageBody<Body> {
  headers: Record<string, string>;
  body: Body;
}
