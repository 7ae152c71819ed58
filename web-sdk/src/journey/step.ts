import { SpanStatusCode, type Context, type Span, type Tracer } from '@opentelemetry/api';

/** What a step's callback gets: its span and the journey's trace id. */
export interface JourneyStep {
  readonly span: Span;
  /** 32 lowercase hex characters. */
  readonly traceId: string;
}

/**
 * Runs `fn` as the active span `name` under `parent`, so every fetch it makes (after any
 * number of awaits) is a child of the step. A thrown error or rejection is recorded on the
 * span with status ERROR and then rethrown unchanged.
 */
export function runStep<T>(
  tracer: Tracer,
  parent: Context,
  name: string,
  fn: (step: JourneyStep) => Promise<T> | T,
): Promise<T> {
  return tracer.startActiveSpan(name, {}, parent, async (span) => {
    try {
      return await fn({ span, traceId: span.spanContext().traceId });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      throw error;
    } finally {
      span.end();
    }
  });
}
