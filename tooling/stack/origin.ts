import { join } from 'node:path';
import { ROOT } from '../lib/paths.js';
import { KAFKA_READY_TIMEOUT_MILLIS } from './kafka.js';
import type { ServiceSpec } from './service.js';

/** Ports of the origin side: checkout-api first, the services behind it next. */
export interface OriginPorts {
  origin: number;
  inventory: number;
  /** The Kafka broker's client listener (the orders topic). */
  kafka: number;
  payment: number;
  ordersWorker: number;
  /** The Kafka broker's KRaft controller listener. */
  kafkaController: number;
}

/** The contract's demo ports: checkout-api on ORIGIN_PORT, the other origin services on the next ones. */
export function nextOriginPorts(origin: number): OriginPorts {
  return { origin, inventory: origin + 1, kafka: origin + 2, payment: origin + 3, ordersWorker: origin + 4, kafkaController: origin + 5 };
}

/**
 * The origin services of the seed's journey: checkout-api (HTTP) -> inventory (gRPC) -> the
 * `orders` Kafka topic -> orders-worker -> payment (HTTP), each its own traced Node process.
 * The Kafka broker itself is started by the stack (`kafkaBrokerSpec`), before these.
 */
export function originServiceSpecs(
  ports: OriginPorts,
  collectorUrl: string,
  common: Pick<ServiceSpec, 'echo'> & { logFile: (name: string) => string; runDir: string; env?: NodeJS.ProcessEnv },
): ServiceSpec[] {
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    ORIGIN_PORT: String(ports.origin),
    INVENTORY_PORT: String(ports.inventory),
    INVENTORY_ADDRESS: `127.0.0.1:${ports.inventory}`,
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
    PAYMENT_PORT: String(ports.payment),
    PAYMENT_URL: url(ports.payment),
    ORDERS_WORKER_PORT: String(ports.ordersWorker),
    ORDERS_WORKER_URL: url(ports.ordersWorker),
    // Head sampling as the seed sets it up: the edge's decision (the sampled flag) is kept; a
    // journey that comes without one is sampled at this ratio.
    OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: '1',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=local',
    ORDERS_DB: join(common.runDir, 'orders.sqlite'),
    ...common.env,
  };
  const service = (name: string, readyUrl: string, readyTimeoutMillis?: number): ServiceSpec => ({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(ROOT, 'demo-app/services', name, 'main.ts')],
    env,
    logFile: common.logFile(name),
    echo: common.echo,
    readyUrl,
    readyTimeoutMillis,
  });
  // The Kafka clients are ready once the broker is: give them the broker's time to start.
  const kafkaClient = KAFKA_READY_TIMEOUT_MILLIS;
  return [
    service('payment', `${url(ports.payment)}/health`),
    service('inventory', `tcp://127.0.0.1:${ports.inventory}`, kafkaClient),
    service('orders-worker', `${url(ports.ordersWorker)}/health`, kafkaClient),
    service('checkout-api', `${url(ports.origin)}/health`),
  ];
}
