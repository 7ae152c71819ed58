import { readFileSync } from 'node:fs';

/**
 * `wrangler dev` runs no cron trigger by itself; with `--test-scheduled` (the stack passes it)
 * the worker's `scheduled()` handler runs for each `GET /__scheduled?cron=<expression>`. These
 * helpers stand in for Cloudflare's trigger: in the real workerd, through the real handler.
 */

/** The cron expressions of a wrangler.toml's `[triggers] crons = [...]` (none when it has no triggers). */
export function cronsOf(wranglerToml: string): string[] {
  const triggers = /^\[triggers\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(readFileSync(wranglerToml, 'utf8'))?.[1] ?? '';
  const list = /^crons\s*=\s*\[([^\]]*)\]/m.exec(triggers)?.[1] ?? '';
  return [...list.matchAll(/"([^"]*)"/g)].map((match) => match[1]!);
}

/** Runs the worker's `scheduled()` once for `cron`, as its trigger would; throws when the worker does not answer 200. */
export async function triggerCron(workerUrl: string, cron: string): Promise<void> {
  const response = await fetch(`${workerUrl}/__scheduled?cron=${encodeURIComponent(cron)}`, { signal: AbortSignal.timeout(30_000) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the worker's scheduled() for "${cron}" answered HTTP ${response.status}`);
}

/**
 * Triggers each of `crons` every `everyMillis` (the demo's only cron runs every minute) until
 * `stop()`; a failed run is reported through `onError` and the next one goes on.
 */
export function startCronTicker(workerUrl: string, crons: readonly string[], everyMillis: number, onError: (error: Error) => void): { stop(): void } {
  const timer = setInterval(() => {
    for (const cron of crons) triggerCron(workerUrl, cron).catch((error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
  }, everyMillis);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
