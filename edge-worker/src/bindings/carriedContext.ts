import { ROOT_CONTEXT, type Attributes, type Link } from '@opentelemetry/api';
import { recordGetter, recordSetter } from '../fetch/headersCarrier.js';
import { activeContext, withActiveContext } from '../context/activeContext.js';
import { SPAN_KIND, traceApi } from '../tracer/api.js';
import { markError } from '../queue/tracedQueue.js';
import { withAllowedBaggage } from './allowedBaggage.js';
import type { BindingTraceOptions } from './bindingSpan.js';

/** The W3C fields a carried context may hold; anything else stored beside them is ignored. */
const CARRIED_FIELDS = ['traceparent', 'tracestate', 'baggage'] as const;
/** A stored context longer than this (as JSON text) is not parsed: W3C headers together stay far below it. */
export const CARRIED_CONTEXT_MAX_LENGTH = 16_384;

export interface CarryContextOptions extends BindingTraceOptions {
  /**
   * Baggage keys stored with the context. Default: none. A stored record outlives the request
   * and is read by other code later: what the journey's baggage holds (a session, a tier) stays
   * out unless named here.
   */
  baggageKeys?: readonly string[];
}

/**
 * The active trace context as W3C header fields (`traceparent`, `tracestate`, allowed
 * `baggage`), to store beside work that runs later outside the request: a D1 row, an R2 object's
 * metadata, a KV value. `inCarriedTrace` continues the journey from it.
 *
 * @example
 * ```ts
 * await db.prepare('INSERT INTO orders (id, trace_context) VALUES (?, ?)')
 *   .bind(orderId, JSON.stringify(carryContext({ tracing }))).run()
 * ```
 */
export function carryContext(options: CarryContextOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  options.tracing.propagator.inject(withAllowedBaggage(activeContext(), new Set(options.baggageKeys ?? [])), headers, recordSetter);
  return headers;
}

/**
 * The W3C fields of a stored context: a record of strings or its JSON text (as a database
 * column holds it). Anything else (malformed JSON, other shapes, text over
 * `CARRIED_CONTEXT_MAX_LENGTH`) is `undefined`; fields other than the three W3C ones are dropped.
 */
export function carriedHeaders(stored: unknown): Record<string, string> | undefined {
  let value = stored;
  if (typeof value === 'string') {
    if (value.length > CARRIED_CONTEXT_MAX_LENGTH) return undefined;
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const headers: Record<string, string> = {};
  for (const field of CARRIED_FIELDS) {
    const header = (value as Record<string, unknown>)[field];
    if (typeof header === 'string' && header.length <= CARRIED_CONTEXT_MAX_LENGTH) headers[field] = header;
  }
  return headers.traceparent ? headers : undefined;
}

/** The span `inCarriedTrace` runs its work in. */
export interface CarriedSpan {
  name: string;
  attributes?: Attributes;
}

/**
 * Runs `work` in an INTERNAL span that continues the trace stored with an item (by
 * `carryContext`), so work done later for it (a cron job confirming an order, a batch job
 * filing a receipt) shows in the item's own journey. The span is linked to the span active
 * when it starts (the cron invocation, say), which did the work for many journeys and so
 * cannot be every one's parent. A missing or malformed stored context leaves the span under the
 * active span instead. Errors are recorded on the span and rethrown.
 *
 * @example
 * ```ts
 * scheduled: traceScheduled<Env>(async (controller, env) => {
 *   const tracing = tracingFromEnv(env)
 *   for (const order of pending) {
 *     await inCarriedTrace(order.trace_context, { name: 'confirm order' }, () => confirm(order), { tracing })
 *   }
 * })
 * ```
 */
export async function inCarriedTrace<T>(stored: unknown, span: CarriedSpan, work: () => T | Promise<T>, options: BindingTraceOptions): Promise<T> {
  const { tracing } = options;
  const current = activeContext();
  const headers = carriedHeaders(stored);
  const carried = headers ? tracing.propagator.extract(ROOT_CONTEXT, headers, recordGetter) : undefined;
  const continued = carried !== undefined && traceApi.getSpanContext(carried) !== undefined;
  const running = traceApi.getSpanContext(current);
  const links: Link[] = continued && running ? [{ context: running }] : [];
  const parent = continued ? carried : current;
  const started = tracing.tracer.startSpan(span.name, { kind: SPAN_KIND.INTERNAL, attributes: span.attributes, links }, parent);
  try {
    return await withActiveContext(traceApi.setSpan(parent, started), work);
  } catch (error) {
    markError(started, error);
    throw error;
  } finally {
    started.end();
  }
}
