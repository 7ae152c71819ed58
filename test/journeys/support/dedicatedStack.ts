import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestInfo } from '@playwright/test';
import type { Stack } from '../../../scripts/stack/stack.js';
import { startTestStack, type TestStackOptions } from '../../../scripts/stack/testStack.js';

/** Lines worth reading when a journey did not arrive: the edge's requests and logs, the collector's warnings. */
const TELLING_LINES: Record<string, RegExp> = {
  'edge-worker': /\[wrangler:(info|warn|error)\] (GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD|QUEUE) |^\{"time"/,
  collector: /\t(warn|error)\t/,
};
const TELLING_LINES_KEPT = 25;

/**
 * A stack of its own for the tests of the calling file or `describe` (a collector policy, an edge
 * variable or a fault the run's stack must not see): started before them, stopped after them.
 * A failed test gets the stack's logs as attachments, and their telling lines in the output
 * (CI keeps the output, not the attachments).
 * Returns a getter, valid inside the tests.
 */
export function useDedicatedStack(options: TestStackOptions): () => Stack {
  let stack: Stack | undefined;
  test.beforeAll(async ({}, testInfo) => {
    testInfo.setTimeout(120_000);
    stack = await startTestStack(options);
  });
  test.afterEach(async ({}, testInfo) => {
    if (stack && testInfo.status !== testInfo.expectedStatus) await reportLogs(testInfo, stack.runDir);
  });
  test.afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error(`the dedicated stack ${options.name ?? ''} has not started`);
    return stack;
  };
}

async function reportLogs(testInfo: TestInfo, runDir: string): Promise<void> {
  for (const [service, telling] of Object.entries(TELLING_LINES)) {
    const path = join(runDir, `${service}.log`);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    await testInfo.attach(`${service} log`, { path, contentType: 'text/plain' });
    // Without the terminal's colour codes; the latest lines, cut to a readable width.
    const lines = text
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .filter((line) => telling.test(line))
      .slice(-TELLING_LINES_KEPT)
      .map((line) => `  ${line.slice(0, 240)}`);
    console.log(`${service} (${testInfo.title}), last ${lines.length} telling lines of ${path}:\n${lines.join('\n') || '  (none)'}`);
  }
}
