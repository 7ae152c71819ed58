import { defineConfig } from '@playwright/test';

// Every address can be moved by the environment, so suites can run side by side.
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
// The kit's OTLP receiver (global-setup.ts): fixed here, as the webServers start before the global setup.
const receiverPort = port('RECEIVER_PORT', 4318);
const edgePort = port('EDGE_PORT', 8787);
const edgeInspectorPort = port('EDGE_INSPECTOR_PORT', 9229);
const originPort = port('ORIGIN_PORT', 8081);
const appPort = port('APP_PORT', 5173);
const receiverUrl = `http://127.0.0.1:${receiverPort}`;
const edgeUrl = `http://127.0.0.1:${edgePort}`;
const originUrl = `http://127.0.0.1:${originPort}`;
const appUrl = `http://127.0.0.1:${appPort}`;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  // Starts the receiver that keeps every span; journey.trace() reads from it.
  globalSetup: './global-setup.ts',
  metadata: { receiverPort },
  use: {
    baseURL: appUrl,
    // Debian's or any other installed Chromium; unset, Playwright's own (`npx playwright install chromium`).
    launchOptions: { executablePath: process.env.CHROMIUM_PATH },
  },
  webServer: [
    {
      name: 'origin',
      command: 'npm run origin',
      url: `${originUrl}/health`,
      env: { ORIGIN_PORT: String(originPort), OTEL_SERVICE_NAME: 'shop-origin', OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl },
    },
    {
      name: 'worker',
      command: [
        `npx wrangler dev --ip 127.0.0.1 --port ${edgePort} --inspector-port ${edgeInspectorPort}`,
        `--var ORIGIN_URL:${originUrl} --var ALLOWED_ORIGINS:${appUrl} --var OTEL_EXPORTER_OTLP_ENDPOINT:${receiverUrl}`,
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
