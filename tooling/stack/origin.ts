import { join } from 'node:path';
import { ROOT } from '../lib/paths.js';
import type { ServiceSpec } from './service.js';

/** Ports of the origin side: checkout-api first, the services behind it next. */
export interface OriginPorts {
  origin: number;
  inventory: number;
  ordersQueue: number;
  payment: number;
  ordersWorker: number;
}

/** The contract's demo ports: checkout-api on ORIGIN_PORT, the other origin services on the next ones. */
export function nextOriginPorts(origin: number): OriginPorts {
  return { origin, inventory: origin + 1, ordersQueue: origin + 2, payment: origin + 3, ordersWorker: origin + 4 };
}

/**
 * The origin services of the seed's journey: checkout-api (HTTP) -> inventory (gRPC) ->
 * orders queue -> orders-worker -> payment (HTTP), each its own traced Node process.
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
    ORDERS_QUEUE_PORT: String(ports.ordersQueue),
    ORDERS_QUEUE_URL: url(ports.ordersQueue),
    PAYMENT_PORT: String(ports.payment),
    PAYMENT_URL: url(ports.payment),
    ORDERS_WORKER_PORT: String(ports.ordersWorker),
    ORDERS_DB: join(common.runDir, 'orders.sqlite'),
    ...common.env,
  };
  const service = (name: string, readyUrl: string): ServiceSpec => ({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', join(ROOT, 'demo-app/services', name, 'main.ts')],
    env,
    logFile: common.logFile(name),
    echo: common.echo,
    readyUrl,
  });
  return [
    service('orders-queue', `${url(ports.ordersQueue)}/health`),
    service('payment', `${url(ports.payment)}/health`),
    service('inventory', `tcp://127.0.0.1:${ports.inventory}`),
    service('orders-worker', `${url(ports.ordersWorker)}/health`),
    service('checkout-api', `${url(ports.origin)}/health`),
  ];
}
