import type { Context, TextMapPropagator } from '@opentelemetry/api';
import { propagationApi } from '../tracer/api.js';

/**
 * A propagator that injects only the allow-listed baggage keys (trace context in full), so a
 * hop gets the entries its caller chose and nothing else. Extraction is the inner one's.
 */
export function allowedBaggagePropagator(inner: TextMapPropagator, allowedKeys: readonly string[]): TextMapPropagator {
  const allowed = new Set(allowedKeys);
  return {
    inject: (context, carrier, setter) => inner.inject(withAllowedBaggage(context, allowed), carrier, setter),
    extract: (context, carrier, getter) => inner.extract(context, carrier, getter),
    fields: () => inner.fields(),
  };
}

/** `context` with its baggage cut to the allowed keys (none left: no baggage at all). */
export function withAllowedBaggage(context: Context, allowed: ReadonlySet<string>): Context {
  const baggage = propagationApi.getBaggage(context);
  if (!baggage) return context;
  const entries = baggage.getAllEntries();
  const kept = entries.filter(([key]) => allowed.has(key));
  if (kept.length === entries.length) return context;
  return kept.length === 0 ? propagationApi.deleteBaggage(context) : propagationApi.setBaggage(context, propagationApi.createBaggage(Object.fromEntries(kept)));
}
