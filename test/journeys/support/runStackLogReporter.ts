/**
 * When a journey test on the run's shared stack fails, prints the telling lines of that stack's
 * logs (the edge's requests, the collector's warnings) beside the failure: CI keeps the output,
 * not the stack's log files. Tests on a dedicated stack print their own (dedicatedStack.ts).
 */
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { formatStackLogs, readStackLogs } from './stackLogs.js';

export default class RunStackLogReporter implements Reporter {
  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === test.expectedStatus) return;
    // A dedicated stack attached and printed its logs; the run's would be another stack's.
    if (result.attachments.some((attachment) => attachment.name === 'edge-worker log')) return;
    // Set by global-setup.ts, in this (the runner's) process.
    const runDir = process.env.JOURNEYTRACE_RUN_DIR;
    if (!runDir) return;
    process.stdout.write(`${formatStackLogs(readStackLogs(runDir), test.title)}\n`);
  }
}
