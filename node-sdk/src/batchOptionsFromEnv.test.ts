import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { batchOptionsFromEnv } from './batchOptionsFromEnv.js';

describe('batchOptionsFromEnv', () => {
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    const ignore = () => {};
    diag.setLogger(
      { error: ignore, warn: (message) => warnings.push(message), info: ignore, debug: ignore, verbose: ignore },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
  });
  afterEach(() => diag.disable());

  it('reads OTEL_BSP_* (the 3.x BatchSpanProcessor does not)', () => {
    assert.deepEqual(batchOptionsFromEnv({ OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50' }), {
      scheduledDelayMillis: 200,
      maxQueueSize: 100,
      maxExportBatchSize: 50,
    });
    assert.deepEqual(batchOptionsFromEnv({}), { scheduledDelayMillis: 1000, maxQueueSize: 2048, maxExportBatchSize: 512 });
    assert.deepEqual(warnings, []);
  });

  it('warns about a bad value and uses the default or the bound, never silently', () => {
    const options = batchOptionsFromEnv({ OTEL_BSP_SCHEDULE_DELAY: 'soon', OTEL_BSP_MAX_QUEUE_SIZE: '0', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4096' });
    assert.deepEqual(options, { scheduledDelayMillis: 1000, maxQueueSize: 1, maxExportBatchSize: 1 });
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings.join('\n'), /OTEL_BSP_SCHEDULE_DELAY="soon" is not valid; using 1000/);
    assert.match(warnings.join('\n'), /OTEL_BSP_MAX_QUEUE_SIZE="0" is not valid; using 1/);
  });
});
