import { INVALID_SPAN_CONTEXT, type Context, type Span, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { traceApi } from './api.js';
import type { EdgeTracing } from './edgeTracing.js';

/** What every span of a disabled edge is: valid to call, records nothing, propagates nothing. */
export const NON_RECORDING_SPAN: Span = traceApi.wrapSpanContext(INVALID_SPAN_CONTEXT);

const disabledTracer: Tracer = {
  startSpan: () => NON_RECORDING_SPAN,
  startActiveSpan<F extends (span: Span) => unknown>(_name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    return fn(NON_RECORDING_SPAN) as ReturnType<F>;
  },
};

const disabledPropagator: TextMapPropagator = {
  inject: () => {},
  extract: (context: Context) => context,
  fields: () => [],
};

/**
 * The edge's tracing when `OTEL_SDK_DISABLED=true`: the same interface with nothing behind it, so
 * code written against `EdgeTracing` (queue producer and consumer, handlers) runs unchanged and
 * sends nothing.
 */
export const DISABLED_TRACING: EdgeTracing = {
  tracer: disabledTracer,
  propagator: disabledPropagator,
  requestStarted: () => {},
  requestEnded: () => undefined,
  flushWhenDue: () => undefined,
  forceFlush: async () => {},
  droppedSpans: 0,
};

