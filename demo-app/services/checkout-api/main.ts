/** checkout-api: the origin service the edge worker calls for a checkout. */
import { log, startNodeTracing } from '../shared/telemetry.js';
import { stopOnSignals } from '../shared/http.js';
import { loadInventory } from '../inventory/grpc.js';
import { OrderStore } from './orders.js';
import { startCheckoutApi } from './server.js';

const tracing = startNodeTracing('checkout-api');
const port = Number(process.env.ORIGIN_PORT ?? 8081);
const inventory = loadInventory().createClient(process.env.INVENTORY_ADDRESS ?? '127.0.0.1:8082');
const orders = new OrderStore(process.env.ORDERS_DB ?? ':memory:');
const server = await startCheckoutApi({ port, inventory, orders, ordersWorkerUrl: process.env.ORDERS_WORKER_URL ?? 'http://127.0.0.1:8085' });
log('checkout-api listening', { port });
stopOnSignals(async () => {
  server.close();
  inventory.close();
  orders.close();
  await tracing.shutdown();
});
