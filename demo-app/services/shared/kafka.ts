/**
 * The demo's Kafka client: the `orders` topic and its dead-letter topic, on the broker named by
 * `KAFKA_BROKERS` (`host:port`, comma-separated). kafkajs is required (not imported) after
 * tracing has started, so `@opentelemetry/instrumentation-kafkajs` can patch it, as grpc.ts
 * does for gRPC.
 */
import { createRequire } from 'node:module';
import type * as KafkaJs from 'kafkajs';
import { log } from './telemetry.js';

export const ORDERS_TOPIC = 'orders';
/** Where a message goes after its last failed delivery (`<topic>.dlq`, a common convention; see orders-worker/ordersConsumer.ts). */
export const ORDERS_DEAD_LETTER_TOPIC = 'orders.dlq';

/**
 * Retries of every broker call: short steps, so a broker restart (about 4 s here) is ridden out
 * by the waiting send or fetch, and long enough in total (about 40 s) to outlast it.
 */
const RETRY: KafkaJs.RetryOptions = { initialRetryTime: 200, maxRetryTime: 2000, retries: 20 };

/** A producer for the orders topics: never creates topics, partitions by key with the Java client's murmur2 (kafkajs 2's default). */
export function ordersProducer(kafkajs: typeof KafkaJs, kafka: KafkaJs.Kafka): KafkaJs.Producer {
  return kafka.producer({ allowAutoTopicCreation: false, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
}

/** A broker that is starting or away makes kafkajs log the same line on every retry: once per this window. */
export const REPEATED_LOG_WINDOW_MILLIS = 10_000;
/** Distinct lines remembered at most. */
const MAX_REMEMBERED_LINES = 100;

/**
 * A gate that lets a line through once per `windowMillis`, and says how many repeats it held back
 * since the last one it let through.
 */
export function oncePerWindow(windowMillis: number, now: () => number = Date.now): (line: string) => { emit: boolean; suppressed: number } {
  const seen = new Map<string, { at: number; suppressed: number }>();
  return (line) => {
    const previous = seen.get(line);
    const time = now();
    if (previous && time - previous.at < windowMillis) {
      previous.suppressed += 1;
      return { emit: false, suppressed: previous.suppressed };
    }
    seen.delete(line);
    if (seen.size >= MAX_REMEMBERED_LINES) seen.delete(seen.keys().next().value!);
    seen.set(line, { at: time, suppressed: 0 });
    return { emit: true, suppressed: previous?.suppressed ?? 0 };
  };
}

export function loadKafkaJs(): typeof KafkaJs {
  return createRequire(import.meta.url)('kafkajs') as typeof KafkaJs;
}

/** A kafkajs client for `clientId`, logging its warnings and errors as the services' JSON lines. */
export function ordersKafka(clientId: string, brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'): { kafkajs: typeof KafkaJs; kafka: KafkaJs.Kafka } {
  const kafkajs = loadKafkaJs();
  const kafka = new kafkajs.Kafka({
    clientId,
    brokers: brokers
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    retry: RETRY,
    logLevel: kafkajs.logLevel.WARN,
    logCreator: () => {
      const gate = oncePerWindow(REPEATED_LOG_WINDOW_MILLIS);
      return ({ namespace, level, log: entry }) => {
        const message = `kafkajs ${namespace}: ${entry.message}`;
        const { emit, suppressed } = gate(`${message} ${String(entry.error ?? '')}`);
        if (!emit) return;
        log(message, { level: level === kafkajs.logLevel.ERROR ? 'error' : 'warn', error: entry.error, ...(suppressed > 0 ? { repeated: suppressed } : {}) });
      };
    },
  });
  return { kafkajs, kafka };
}

/** Creates the orders topics unless they exist (idempotent: the producer and the consumer both call it). */
export async function ensureOrdersTopics(kafka: KafkaJs.Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [ORDERS_TOPIC, ORDERS_DEAD_LETTER_TOPIC].filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })) });
  } catch (error) {
    // Created by the other service meanwhile: fine.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  } finally {
    await admin.disconnect();
  }
}
