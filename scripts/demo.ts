/**
 * `npm run demo`: builds, starts the collector, checkout-api, the edge worker (wrangler dev)
 * and the demo app on the contract's ports, prints their URLs; Ctrl-C stops them all.
 */
import { join } from 'node:path';
import { buildAll } from './build.js';
import { progress, SetupError } from '@journeytrace/tooling/lib/log.js';
import { DATA_DIR, ROOT } from '@journeytrace/tooling/lib/paths.js';
import { ensureToolchain } from '@journeytrace/tooling/setup/index.js';
import { freePort, portFromEnv } from '@journeytrace/tooling/stack/ports.js';
import { nextOriginPorts } from '@journeytrace/tooling/stack/origin.js';
import { startStack, type Stack } from '@journeytrace/tooling/stack/stack.js';
import { endServicesOfEarlierRuns } from '@journeytrace/tooling/stack/serviceRegistry.js';
import { cronsOf, startCronTicker } from '@journeytrace/tooling/stack/cronTrigger.js';

/** The demo edge's cron trigger runs every minute (wrangler.toml `[triggers]`). */
const CRON_EVERY_MILLIS = 60_000;

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  endServicesOfEarlierRuns(); // A demo killed hard leaves its services on the contract's ports.
  const toolchain = await ensureToolchain({ chromium: once });
  await buildAll();
  if (once) {
    // Imported only now: the smoke test reads the Playwright kit from its dist/, which a bare
    // clone has only once buildAll() has run (a static import failed before anything was built).
    const { runOnce } = await import('./demo-once.js');
    process.exit(await runOnce(toolchain, process.argv.slice(2)));
  }
  const { collector } = toolchain;
  const ports = {
    app: portFromEnv('DEMO_APP_PORT', 5173),
    edge: portFromEnv('EDGE_PORT', 8787),
    edgeInspector: portFromEnv('EDGE_INSPECTOR_PORT', await freePort()),
    ...nextOriginPorts(portFromEnv('ORIGIN_PORT', 8081)),
    collectorHttp: portFromEnv('COLLECTOR_HTTP_PORT', 4318),
    collectorGrpc: portFromEnv('COLLECTOR_GRPC_PORT', 4317),
    collectorHealth: portFromEnv('COLLECTOR_HEALTH_PORT', 13133),
  };
  progress('starting collector, Kafka broker, origin services, edge worker and demo app…');
  const stack: Stack = await startStack({
    ports,
    runDir: join(DATA_DIR, 'demo'),
    tracesFile: join(DATA_DIR, 'collector', 'traces.jsonl'),
    collectorBin: collector,
    collectorConfigs: [join(ROOT, 'collector', 'config.yaml')],
    echo: true,
  });
  // One Ctrl-C arrives more than once: from the terminal, and passed on by npm and bootstrap.mjs.
  // Every copy must find a handler (a signal without one kills the process halfway through
  // stopping, leaving the services it started running); the first one stops them.
  // Cloudflare runs the edge's cron trigger in production; locally the demo does, through wrangler dev.
  const crons = cronsOf(join(ROOT, 'demo-app/edge/wrangler.toml'));
  const ticker = startCronTicker(stack.urls.edge, crons, CRON_EVERY_MILLIS, (error) => progress(`cron trigger failed: ${error.message}`));
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    ticker.stop();
    progress('stopping…');
    void stack.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  progress(`demo app       ${stack.urls.app}`);
  progress(`edge worker    ${stack.urls.edge}`);
  progress(
    `checkout-api   ${stack.urls.origin} (inventory gRPC :${ports.inventory}, Kafka :${ports.kafka}, payment :${ports.payment}, orders-worker :${ports.ordersWorker})`,
  );
  progress(`collector      ${stack.urls.collector} (OTLP/HTTP), 127.0.0.1:${ports.collectorGrpc} (OTLP/gRPC)`);
  progress(`kept traces    ${stack.tracesFile}`);
  progress(`edge cron      ${crons.join(', ')} (run every minute: the order confirmation joins each checkout's trace)`);
  progress('open the demo app, pick a tier and a scenario, press Checkout. Ctrl-C stops everything.');
}

main().catch((error: unknown) => {
  console.error(`journeytrace: ${error instanceof SetupError ? error.message : error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
