import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineConfig, type Plugin } from 'vite';

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
  plugins: [shopConfig()],
  build: { target: 'es2016' },
  oxc: { target: 'es2016' },
  server: { host: '127.0.0.1', port: Number(process.env.DEMO_APP_PORT ?? 5173), strictPort: true },
  preview: { host: '127.0.0.1', port: Number(process.env.DEMO_APP_PORT ?? 5173), strictPort: true },
});
