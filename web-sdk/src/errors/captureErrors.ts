import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { FeatureHost } from '../core.js';
import { recordError } from '../journey/step.js';

/**
 * Records uncaught errors and unhandled rejections as exception events with status ERROR on
 * the active span (the step, click or route change they happened in), so tail sampling keeps
 * those journeys; outside any span, as a span `exception` of its own, until `signal` aborts.
 */
export function captureErrors({ tracer, signal }: FeatureHost): void {
  const record = (error: unknown) => {
    const active = trace.getActiveSpan();
    if (active?.isRecording()) return recordError(active, error);
    const span = tracer.startSpan('exception', {}, ROOT_CONTEXT);
    recordError(span, error);
    span.end();
  };
  addEventListener('error', (event) => record(event.error ?? event.message), { signal });
  addEventListener('unhandledrejection', (event) => record(event.reason), { signal });
}
