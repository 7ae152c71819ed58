import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import type { JourneyOptions } from '@journeytrace/playwright';

// Every address can be moved by the environment, so suites can run side by side.
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const collectorPort = port('COLLECTOR_HTTP_PORT', 4318);
const collectorHealthPort = port('COLLECTOR_HEALTH_PORT', 13133);
const edgePort = port('EDGE_PORT', 8787);
const edgeInspectorPort = port('EDGE_INSPECTOR_PORT', 9229);
const originPort = port('ORIGIN_PORT', 8081);
const appPort = port('APP_PORT', 5173);
const collectorUrl = `http://127.0.0.1:${collectorPort}`;
const edgeUrl = `http://127.0.0.1:${edgePort}`;
const originUrl = `http://127.0.0.1:${originPort}`;
const appUrl = `http://127.0.0.1:${appPort}`;
const tracesFile = resolve(process.env.JOURNEYTRACE_TRACES_FILE ?? 'traces.jsonl');

export default defineConfig<JourneyOptions>({
  testDir: './tests',
  timeout: 60_000,
  use: {
    baseURL: appUrl,
    tracesFile,
    // Debian's or any other installed Chromium; unset, Playwright's own (`npx playwright install chromium`).
    launchOptions: { executablePath: process.env.CHROMIUM_PATH },
  },
  webServer: [
    {
      name: 'collector',
      // The kit's collector (or otelcol-contrib) with a config that keeps every trace.
      command: `"${process.env.OTELCOL_BIN ?? 'otelcol-contrib'}" --config collector.yaml`,
      url: `http://127.0.0.1:${collectorHealthPort}/`,
      env: { COLLECTOR_HTTP_PORT: String(collectorPort), COLLECTOR_HEALTH_PORT: String(collectorHealthPort), JOURNEYTRACE_TRACES_FILE: tracesFile },
    },
    {
      name: 'origin',
      command: 'npm run origin',
      url: `${originUrl}/health`,
      env: { ORIGIN_PORT: String(originPort), OTEL_SERVICE_NAME: 'shop-origin', OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl },
    },
    {
      name: 'worker',
      command: [
        `npx wrangler dev --ip 127.0.0.1 --port ${edgePort} --inspector-port ${edgeInspectorPort}`,
        `--var ORIGIN_URL:${originUrl} --var ALLOWED_ORIGINS:${appUrl} --var OTEL_EXPORTER_OTLP_ENDPOINT:${collectorUrl}`,
      ].join(' '),
      cwd: '../worker',
      url: `${edgeUrl}/health`,
      env: { WRANGLER_SEND_METRICS: 'false' },
    },
    {
      name: 'app',
      command: `npm run build && npm run preview -- --port ${appPort} --strictPort`,
      cwd: '../spa',
      url: appUrl,
      env: { VITE_EDGE_URL: edgeUrl },
    },
  ],
});
