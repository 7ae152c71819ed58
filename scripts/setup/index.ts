import { ensureChromium } from './chromium.js';
import { ensureCollector } from './collector.js';

export interface Toolchain {
  chromium: string;
  collector: string;
}

/** Installs or finds what the demo and the tests run on; idempotent and quiet when done. */
export async function ensureToolchain(options: { chromium: boolean }): Promise<Toolchain> {
  const [chromium, collector] = await Promise.all([options.chromium ? ensureChromium() : Promise.resolve(''), ensureCollector()]);
  process.env.OTELCOL_BIN = collector;
  if (chromium) process.env.CHROMIUM_PATH = chromium;
  return { chromium, collector };
}
