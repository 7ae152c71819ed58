import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { tracingFromEnv } from './tracingFromEnv.js';

describe('tracingFromEnv: bad numeric bindings', () => {
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

  it('are said, never silently dropped: not a number uses the default, out of range is clamped', async () => {
    const tracing = tracingFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
      OTEL_BSP_MAX_QUEUE_SIZE: '-5',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '64',
      JOURNEYTRACE_BSP_MAX_QUEUE_BYTES: 'lots',
      OTEL_METRIC_EXPORT_INTERVAL: 'hourly',
    });
    assert.ok(tracing);
    for (const expected of [
      'OTEL_BSP_SCHEDULE_DELAY="soon" is not valid; using 1000',
      'OTEL_BSP_MAX_QUEUE_SIZE="-5" is not valid; using 1',
      'JOURNEYTRACE_BSP_MAX_QUEUE_BYTES="lots" is not valid',
      'OTEL_METRIC_EXPORT_INTERVAL="hourly" is not valid',
    ]) {
      assert.ok(
        warnings.some((warning) => warning.includes(expected)),
        `${expected} in:\n${warnings.join('\n')}`,
      );
    }
    assert.ok(!warnings.some((warning) => warning.includes('OTEL_BSP_MAX_EXPORT_BATCH_SIZE="64"')), 'a good value is not warned about');
    await tracing.forceFlush();
  });
});
