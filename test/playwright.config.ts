import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const root = join(import.meta.dirname, '..');

/** Journey tests in real Chromium (Debian's, or CHROMIUM_PATH) against the whole running stack. */
export default defineConfig({
  testDir: './journeys',
  timeout: 90_000,
  workers: 1,
  forbidOnly: true,
  globalSetup: './journeys/global-setup.ts',
  outputDir: join(root, '.data/test-results'),
  reporter: [['list'], ['json', { outputFile: join(root, '.data/test-reports/journeys.json') }]],
  use: {
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // This machine's network is closed: keep Chromium from calling home.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
