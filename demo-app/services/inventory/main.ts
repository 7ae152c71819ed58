/**
 * inventory: a gRPC service. Reserve() holds stock for a checkout and produces OrderCreated to
 * the `orders` Kafka topic; instrumentation-kafkajs makes the PRODUCER span and puts the trace
 * context (traceparent, tracestate, baggage) in the record's headers.
 */
import { log, startNodeTracing } from '../shared/telemetry.js';
import { stopOnSignals } from '../shared/http.js';
import { ensureOrdersTopics, ORDERS_TOPIC, ordersKafka, ordersProducer } from '../shared/kafka.js';
import { loadInventory, type ReserveReply, type ReserveRequest } from './grpc.js';
import type * as Grpc from '@grpc/grpc-js';

const tracing = startNodeTracing('inventory');
const { grpc, service } = loadInventory();
const port = Number(process.env.INVENTORY_PORT ?? 8082);
const { kafkajs, kafka } = ordersKafka('inventory');
await ensureOrdersTopics(kafka);
// Connected before the gRPC port opens: a ready inventory can publish.
const producer = ordersProducer(kafkajs, kafka);
await producer.connect();

const server = new grpc.Server();
server.addService(service, {
  reserve(call: Grpc.ServerUnaryCall<ReserveRequest, ReserveReply>, callback: Grpc.sendUnaryData<ReserveReply>) {
    const { sku, quantity, scenario, amountCents } = call.request;
    // 60 random bits: with 8 hex digits (32 bits), about 1 run in 90 of 10,000 journeys gave two
    // orders one id, and the second checkout failed with a 500.
    const orderId = `ord_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
    log('stock reserved', { orderId, sku, quantity });
    const order = { type: 'OrderCreated', orderId, sku, quantity, scenario, amountCents };
    // Keyed by order id: one order's events stay in order on one partition. kafkajs retries
    // while the broker is away (a restart), so the reply waits rather than fails.
    producer.send({ topic: ORDERS_TOPIC, messages: [{ key: orderId, value: JSON.stringify(order) }] }).then(
      () => callback(null, { orderId, reserved: true }),
      (error: unknown) => {
        log('could not publish OrderCreated', { orderId, error: String(error) });
        callback({ code: grpc.status.UNAVAILABLE, details: 'orders topic unavailable' } as Grpc.ServiceError);
      },
    );
  },
});
await new Promise<void>((resolve, reject) =>
  server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())),
);
log('inventory listening (gRPC)', { port });
stopOnSignals(async () => {
  server.forceShutdown();
  await producer.disconnect().catch(() => undefined);
  await tracing.shutdown();
});
