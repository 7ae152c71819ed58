import { propagation, type Baggage } from '@opentelemetry/api';

/** Baggage keys the SDK ever sends; anything else set by the page stays in the page. */
export const BAGGAGE_KEYS = ['session.id', 'user.tier', 'enduser.id'] as const;
export type BaggageKey = (typeof BAGGAGE_KEYS)[number];

/**
 * Builds the journey's baggage from allow-listed entries, skipping empty values.
 * Values are percent-encoded by the W3C baggage propagator when injected.
 */
export function journeyBaggage(entries: Partial<Record<BaggageKey, string | undefined>>): Baggage {
  let baggage = propagation.createBaggage();
  for (const key of BAGGAGE_KEYS) {
    const value = entries[key];
    if (value) baggage = baggage.setEntry(key, { value });
  }
  return baggage;
}
