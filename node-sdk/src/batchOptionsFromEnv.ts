import { BATCH_SPAN_PROCESSOR_ENV, readNumberSetting } from '@journeytrace/contract';

export interface BatchOptions {
  scheduledDelayMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
}

/**
 * `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_BSP_MAX_QUEUE_SIZE` and `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` as
 * `BatchSpanProcessor` options, read by the contract's reader (the browser and the edge read
 * them the same way): a bad value is warned and replaced by the default or clamped, and the
 * batch is never larger than the queue. OpenTelemetry JS 3's `BatchSpanProcessor` no longer
 * reads the environment itself (only `NodeSDK` does), so without this a service set up by hand
 * silently keeps the 5 s default.
 */
export function batchOptionsFromEnv(env: Record<string, string | undefined> = process.env): BatchOptions {
  const read = (name: keyof typeof BATCH_SPAN_PROCESSOR_ENV) => {
    const setting = BATCH_SPAN_PROCESSOR_ENV[name];
    return readNumberSetting(setting.env, env[setting.env], setting) ?? setting.fallback;
  };
  const maxQueueSize = Math.round(read('maxQueueSize'));
  return {
    scheduledDelayMillis: read('scheduledDelayMillis'),
    maxQueueSize,
    maxExportBatchSize: Math.min(Math.round(read('maxExportBatchSize')), maxQueueSize),
  };
}
