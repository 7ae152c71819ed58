/**
 * When a journey test fails, prints the telling lines of its stack's logs (the edge's requests,
 * the collector's warnings) beside the failure: CI keeps the output, not the log files. A test on
 * a dedicated stack has them attached (`<service> log`, dedicatedStack.ts); others ran on the
 * run's shared stack.
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { formatStackLogs, readServiceLog, readStackLogs } from './stackLogs.js';

export default class RunStackLogReporter implements Reporter {
  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === test.expectedStatus) return;
    const attached = result.attachments.flatMap((attachment) =>
      attachment.path && attachment.name.endsWith(' log') ? (readServiceLog(attachment.name.slice(0, -' log'.length), attachment.path) ?? []) : [],
    );
    // Set by global-setup.ts, in this (the runner's) process.
    const runDir = process.env.JOURNEYTRACE_RUN_DIR;
    const logs = attached.length > 0 ? attached : runDir ? readStackLogs(runDir) : [];
    if (logs.length === 0) return;
    process.stdout.write(`${formatStackLogs(logs, test.title)}\n`);
  }
}
