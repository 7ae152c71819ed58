import { trace } from '@opentelemetry/api';

/** The active trace and span ids, as log fields; empty outside any span. */
export interface CurrentIds {
  trace_id?: string;
  span_id?: string;
}

/** `trace_id` and `span_id` of the active span (the step, click or fetch the code runs in). */
export function currentIds(): CurrentIds {
  const context = trace.getActiveSpan()?.spanContext();
  return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

/** A structured log record correlated with the journey. */
export type LogRecord = { msg: string; time: string } & CurrentIds & Record<string, unknown>;

/**
 * Writes a JSON log line with `trace_id`/`span_id` to the console and adds it as a `log` event
 * on the active span, so logs and traces point at each other. Returns the record.
 *
 * @example
 * log('cart loaded', { items: 3 }) // {"msg":"cart loaded","items":3,"trace_id":"…","span_id":"…",…}
 */
export function log(msg: string, fields: Record<string, unknown> = {}): LogRecord {
  const record: LogRecord = { ...fields, msg, time: new Date().toISOString(), ...currentIds() };
  const span = trace.getActiveSpan();
  if (span?.isRecording()) {
    const attributes: Record<string, string | number | boolean> = { 'log.message': msg };
    for (const [key, value] of Object.entries(fields)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') attributes[key] = value;
    }
    span.addEvent('log', attributes);
  }
  console.info(JSON.stringify(record));
  return record;
}
