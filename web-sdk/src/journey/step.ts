import { SpanStatusCode, context as contextApi, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';

/** What a step's callback gets: its span and the journey's trace id. */
export interface JourneyStep {
  readonly span: Span;
  /** 32 lowercase hex characters. */
  readonly traceId: string;
}

/** Keeps a context as the fallback for work that lost its own, until released. */
export type HoldContext = (context: Context) => () => void;

/**
 * Runs `fn` as the active span `name`, a child of the active context. The step's context is
 * exact for the synchronous part and *held* until the step ends, so fetches made after native
 * awaits, in timers or handlers it started, are still its children. A thrown error or rejection is
 * recorded on the span with status ERROR and then rethrown unchanged.
 */
export async function runStep<T>(tracer: Tracer, hold: HoldContext, name: string, fn: (step: JourneyStep) => Promise<T> | T): Promise<T> {
  const parent = contextApi.active();
  const span = tracer.startSpan(name, {}, parent);
  const stepContext = trace.setSpan(parent, span);
  const release = hold(stepContext);
  try {
    return await contextApi.with(stepContext, () => fn({ span, traceId: span.spanContext().traceId }));
  } catch (error) {
    recordError(span, error);
    throw error;
  } finally {
    release();
    span.end();
  }
}

/**
 * Starts span `name` under `parent` and holds its context until the next task, then ends it:
 * what the current task's handlers start (fetches, steps) are its children.
 */
export function spanForThisTask(tracer: Tracer, hold: HoldContext, name: string, attributes: Attributes, parent: Context): void {
  const span = tracer.startSpan(name, { attributes }, parent);
  const release = hold(trace.setSpan(parent, span));
  setTimeout(() => {
    release();
    span.end();
  }, 0);
}

/** Records `error` as an exception event and marks the span ERROR. */
export function recordError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(safeString(error));
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'unknown error';
  }
}
