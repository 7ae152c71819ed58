import { ensureChromium } from './chromium.js';
import { ensureCollector } from './collector.js';
import { ensureKafka, type KafkaInstall } from './kafka.js';

export interface Toolchain {
  chromium: string;
  /** Empty when not asked for. */
  collector: string;
  /** The orders topic's broker (every stack runs one). */
  kafka: KafkaInstall;
}

/**
 * Installs or finds what the demo and the tests run on; idempotent and quiet when done.
 * `collector: false` skips the collector (a run on the Playwright kit's receiver needs none).
 */
export async function ensureToolchain(options: { chromium: boolean; collector?: boolean }): Promise<Toolchain> {
  const [chromium, collector, kafka] = await Promise.all([
    options.chromium ? ensureChromium() : Promise.resolve(''),
    options.collector === false ? Promise.resolve('') : ensureCollector(),
    ensureKafka(),
  ]);
  if (collector) process.env.OTELCOL_BIN = collector;
  if (chromium) process.env.CHROMIUM_PATH = chromium;
  return { chromium, collector, kafka };
}
