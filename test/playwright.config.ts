import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const root = join(import.meta.dirname, '..');
// Per run, so runs side by side never clear each other's artifacts.
const runOutput = process.env.JOURNEYTRACE_TEST_OUTPUT ?? join(root, '.data/test-results', String(process.pid));

/** Journey tests in real Chromium (Debian's, or CHROMIUM_PATH) against the whole running stack. */
export default defineConfig({
  testDir: './journeys',
  timeout: 90_000,
  workers: 1,
  forbidOnly: true,
  globalSetup: './journeys/global-setup.ts',
  outputDir: runOutput,
  // The last prints the shared stack's telling log lines when a test on it fails.
  reporter: [['list'], ['json', { outputFile: join(runOutput, 'journeys.json') }], ['./journeys/support/runStackLogReporter.ts']],
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
