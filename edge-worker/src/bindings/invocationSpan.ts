import { ROOT_CONTEXT, type Attributes, type Link } from '@opentelemetry/api';
import { recordGetter } from '../fetch/headersCarrier.js';
import { SPAN_KIND, traceApi } from '../tracer/api.js';
import { withActiveContext } from '../context/activeContext.js';
import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { markError } from '../queue/tracedQueue.js';

export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

export interface Invocation {
  name: string;
  attributes: Attributes;
  /** Trace headers the invocation came with: continued when valid, else a new trace starts. */
  headers?: Record<string, string>;
  /** Link to the context the headers carry (as for an alarm, set by an earlier request). */
  linkToCarried?: boolean;
}

/**
 * Runs a handler the runtime invokes (an RPC method, an alarm, a cron trigger) in a SERVER span,
 * continuing the carried context, and flushes the spans in `waitUntil` as a request would.
 */
export async function inInvocationSpan<T>(tracing: EdgeTracing, ctx: WaitUntil | undefined, invocation: Invocation, handler: () => T | Promise<T>): Promise<T> {
  const parent = invocation.headers ? tracing.propagator.extract(ROOT_CONTEXT, invocation.headers, recordGetter) : ROOT_CONTEXT;
  const carried = traceApi.getSpanContext(parent);
  const links: Link[] = invocation.linkToCarried && carried ? [{ context: carried }] : [];
  const span = tracing.tracer.startSpan(invocation.name, { kind: SPAN_KIND.SERVER, attributes: invocation.attributes, links }, parent);
  tracing.requestStarted();
  try {
    return await withActiveContext(traceApi.setSpan(parent, span), handler);
  } catch (error) {
    markError(span, error);
    throw error;
  } finally {
    span.end();
    const flushed = tracing.requestEnded();
    if (flushed) {
      try {
        ctx?.waitUntil(flushed.catch(() => {}));
      } catch {
        // No execution context (tests): the flush runs on its own.
      }
    }
  }
}
