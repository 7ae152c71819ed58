import { test, type OtlpReceiver } from '@journeytrace/playwright';
import type { TestInfo } from '@playwright/test';
import type { Stack } from '@journeytrace/tooling/stack/stack.js';
import { startTestStack, type TestStackOptions } from '@journeytrace/tooling/stack/testStack.js';
import { readStackLogs } from './stackLogs.js';

/**
 * A stack of its own for the tests of the calling file or `describe` (a collector policy, an edge
 * variable or a fault the run's stack must not see): started before them, stopped after them.
 * A failed test gets the stack's logs as attachments (`<service> log`), whose telling lines
 * runStackLogReporter.ts prints.
 * With `exportTo: 'receiver'`, it starts no collector: every service exports to the worker's
 * built-in OTLP receiver (the kit's `otlpReceiver`), as a user's CI without a collector would.
 * Returns a getter, valid inside the tests.
 */
export function useDedicatedStack(options: TestStackOptions & { exportTo?: 'collector' | 'receiver' }): () => Stack {
  let stack: Stack | undefined;
  const start = (testInfo: TestInfo, otlpEndpoint?: string) => {
    testInfo.setTimeout(120_000);
    return startTestStack({ ...options, otlpEndpoint: otlpEndpoint ?? options.otlpEndpoint });
  };
  if (options.exportTo === 'receiver') {
    test.beforeAll(async ({ otlpReceiver }: { otlpReceiver: OtlpReceiver }, testInfo) => {
      stack = await start(testInfo, otlpReceiver.url);
    });
  } else {
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixtures from a destructuring pattern, and this hook needs none.
    test.beforeAll(async ({}, testInfo) => {
      stack = await start(testInfo);
    });
  }
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixtures from a destructuring pattern, and this hook needs none.
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
  for (const { service, path } of readStackLogs(runDir)) await testInfo.attach(`${service} log`, { path, contentType: 'text/plain' });
}
