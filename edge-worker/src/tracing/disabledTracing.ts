import { ProxyTracerProvider } from '@opentelemetry/api';
import { CompositePropagator } from '@opentelemetry/core';
import type { EdgeTracing } from './edgeTracing.js';

/**
 * The edge's tracing when `OTEL_SDK_DISABLED=true`: the same interface with nothing behind it, so
 * code written against `EdgeTracing` (queue producer and consumer, handlers) runs unchanged and
 * sends nothing. The API's no-op tracer (a proxy tracer with no delegate) and a propagator made
 * of no propagators.
 */
export const DISABLED_TRACING: EdgeTracing = {
  tracer: new ProxyTracerProvider().getTracer('@journeytrace/edge'),
  propagator: new CompositePropagator({ propagators: [] }),
  requestStarted: () => {},
  requestEnded: () => undefined,
  flushWhenDue: () => undefined,
  forceFlush: async () => {},
  droppedSpans: 0,
};
