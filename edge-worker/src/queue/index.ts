/**
 * @module
 * The queue hop: Cloudflare Queues producers and consumers that keep the journey in one trace.
 */
export { tracedQueue, type TracedQueue, type TracedQueueOptions } from './tracedQueue.js';
export { traceQueueConsumer, type ProcessMessage, type TraceQueueConsumerOptions } from './traceQueueConsumer.js';
export type { QueueBatch, QueueMessage, QueueProducer, QueueSendOptions, TracedMessageBody, WaitUntil } from './types.js';
export * from './semconv.js';
