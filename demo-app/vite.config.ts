import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineConfig, type Plugin } from 'vite';
import { journeysApi } from './server/journeysApi.js';

/**
 * Serves `/shop-config.json` from the environment, so one build runs against any ports
 * (the demo's defaults, or the free ports a test run picked).
 */
function shopConfig(): Plugin {
  const serve = (request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (request.url?.split('?')[0] !== '/shop-config.json') return next();
    const env = process.env;
    response.setHeader('content-type', 'application/json');
    response.setHeader('cache-control', 'no-store');
    response.end(
      JSON.stringify({
        edgeUrl: env.EDGE_URL ?? `http://127.0.0.1:${env.EDGE_PORT ?? 8787}`,
        collectorUrl: env.COLLECTOR_URL ?? `http://127.0.0.1:${env.COLLECTOR_HTTP_PORT ?? 4318}`,
      }),
    );
  };
  return {
    name: 'journeytrace-shop-config',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
  };
}

// zone.js cannot follow native async/await: ship ES2016 so awaits become zone-aware promises.
export default defineConfig({
  plugins: [shopConfig(), journeysApi({ tracesFile: () => process.env.JOURNEYTRACE_TRACES_FILE, metricsFile: () => process.env.JOURNEYTRACE_METRICS_FILE })],
  build: {
    target: 'es2016',
    rolldownOptions: { input: { shop: 'index.html', journeys: 'journeys.html' } },
  },
  oxc: { target: 'es2016' },
  server: { host: '127.0.0.1', port: Number(process.env.DEMO_APP_PORT ?? 5173), strictPort: true },
  preview: { host: '127.0.0.1', port: Number(process.env.DEMO_APP_PORT ?? 5173), strictPort: true },
});
