import { ROOT_CONTEXT, trace, type Tracer } from '@opentelemetry/api';
import { recordError } from '../journey/step.js';

/**
 * Records uncaught errors and unhandled rejections as exception events with status ERROR on
 * the active span (the step, click or route change they happened in), so tail sampling keeps
 * those journeys; outside any span, as a span `exception` of its own. Returns a function that
 * stops listening.
 */
export function captureErrors(tracer: Tracer): () => void {
  const record = (error: unknown) => {
    const active = trace.getActiveSpan();
    if (active?.isRecording()) {
      recordError(active, error);
      return;
    }
    const span = tracer.startSpan('exception', {}, ROOT_CONTEXT);
    recordError(span, error);
    span.end();
  };
  const onError = (event: ErrorEvent) => record(event.error ?? event.message);
  const onRejection = (event: PromiseRejectionEvent) => record(event.reason);
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  return () => {
    removeEventListener('error', onError);
    removeEventListener('unhandledrejection', onRejection);
  };
}
