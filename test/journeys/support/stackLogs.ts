/**
 * The lines of a stack's logs worth reading when a journey did not arrive: the edge's requests
 * and its own log records, the collector's warnings and errors. Printed when a journey test
 * fails (runStackLogReporter.ts), as CI keeps the output and not the attachments.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TELLING_LINES: Record<string, RegExp> = {
  'edge-worker': /\[wrangler:(info|warn|error)\] (GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD|QUEUE) |^\{"time"/,
  collector: /\t(warn|error)\t/,
};
const TELLING_LINES_KEPT = 25;

export interface StackLog {
  service: string;
  /** The whole log. */
  path: string;
  /** The latest telling lines, without colour codes, cut to a readable width. */
  lines: string[];
}

/** The telling lines of each service log the stack in `runDir` has. */
export function readStackLogs(runDir: string): StackLog[] {
  return Object.keys(TELLING_LINES).flatMap((service) => readServiceLog(service, join(runDir, `${service}.log`)) ?? []);
}

/** The telling lines of one service's log at `path` (a stack's, or a test's attached copy); undefined when unreadable or not a logged service. */
export function readServiceLog(service: string, path: string): StackLog | undefined {
  const telling = TELLING_LINES[service];
  if (!telling) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // This stack has no such service.
  }
  const lines = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes start with ESC (\x1b); this strips them.
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => telling.test(line))
    .slice(-TELLING_LINES_KEPT)
    .map((line) => line.slice(0, 240));
  return { service, path, lines };
}

/** The logs as text for the test output, under a heading naming the test. */
export function formatStackLogs(logs: StackLog[], testTitle: string): string {
  return logs
    .map(
      ({ service, path, lines }) =>
        `${service} (${testTitle}), last ${lines.length} telling lines of ${path}:\n${lines.map((line) => `  ${line}`).join('\n') || '  (none)'}`,
    )
    .join('\n');
}
