import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { progress, SetupError } from '../lib/log.js';
import { lastLines, run } from '../lib/run.js';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The Chromium the journey tests drive: `CHROMIUM_PATH`, else Debian's chromium (installed
 * with apt-get when running as root on Debian), else Playwright's own browser if present.
 */
export async function ensureChromium(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new SetupError(`CHROMIUM_PATH=${fromEnv} does not exist.`);
    return fromEnv;
  }
  for (const candidate of [DEBIAN_CHROMIUM, '/usr/bin/chromium-browser']) {
    if (existsSync(candidate)) return candidate;
  }
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    progress('installing Debian chromium with apt-get (first run only)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = await run('apt-get', ['update', '-qq'], { env, logFile: '/tmp/journeytrace-apt.log' });
    const install = update.code === 0 ? await run('apt-get', ['install', '-y', '-qq', 'chromium'], { env, logFile: '/tmp/journeytrace-apt.log' }) : update;
    if (install.code !== 0 || !existsSync(DEBIAN_CHROMIUM)) {
      throw new SetupError(`apt-get could not install chromium:\n${lastLines(install.output)}`);
    }
    return DEBIAN_CHROMIUM;
  }
  const bundled = safeExecutablePath();
  if (bundled && existsSync(bundled)) return bundled;
  throw new SetupError('No Chromium found: install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.');
}

function safeExecutablePath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}
