import { trace } from '@opentelemetry/api';

/**
 * Writes one JSON log line carrying the active span's `trace_id` and `span_id`, so a reader
 * can go from a log line to its trace. Uses console.log: workerd and Node both print it.
 */
export function log(message: string, fields: Record<string, unknown> = {}): void {
  const spanContext = trace.getActiveSpan()?.spanContext();
  console.log(JSON.stringify({ time: new Date().toISOString(), msg: message, trace_id: spanContext?.traceId, span_id: spanContext?.spanId, ...fields }));
}
