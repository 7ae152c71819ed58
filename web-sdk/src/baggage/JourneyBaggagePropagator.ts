import { diag, propagation, type TextMapPropagator } from '@opentelemetry/api';
import { BAGGAGE_KEYS, type BaggageKey } from './journeyBaggage.js';
import { serializeBaggage } from './serializeBaggage.js';

const BAGGAGE_HEADER = 'baggage';

/** The journey's own values (session, user), read at each injection. */
export type JourneyBaggageValues = () => Partial<Record<BaggageKey, string | undefined>>;

/**
 * Injects the `baggage` header with allow-listed keys only: the journey's current values, or
 * else what the context's baggage holds for those keys. Anything else the page put in baggage
 * stays in the page. Extraction is left to the server side.
 */
export function journeyBaggagePropagator(journeyValues: JourneyBaggageValues): TextMapPropagator {
  return {
    inject(context, carrier, setter) {
      const values = journeyValues();
      const baggage = propagation.getBaggage(context);
      const entries: Array<[string, string]> = [];
      for (const key of BAGGAGE_KEYS) {
        const value = values[key] || baggage?.getEntry(key)?.value;
        if (value) entries.push([key, value]);
      }
      const { header, dropped } = serializeBaggage(entries);
      if (dropped.length) diag.warn(`journeytrace: baggage ${dropped.join(', ')} left out: over the W3C limits`);
      if (header) setter.set(carrier, BAGGAGE_HEADER, header);
    },
    extract: (context) => context,
    fields: () => [BAGGAGE_HEADER],
  };
}
