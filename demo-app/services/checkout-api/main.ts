/** checkout-api: the origin service the edge worker calls for a checkout. */
import { startNodeTracing, log } from '../shared/telemetry.js';

const tracing = startNodeTracing('checkout-api');
const { startCheckoutApi } = await import('./server.js');

const port = Number(process.env.ORIGIN_PORT ?? 8081);
const server = await startCheckoutApi(port);
log('checkout-api listening', { port });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void tracing.shutdown().finally(() => process.exit(0));
  });
}
