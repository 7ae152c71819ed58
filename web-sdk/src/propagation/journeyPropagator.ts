import { diag, propagation, type TextMapPropagator } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BAGGAGE_KEYS, type BaggageKey } from '../baggage/journeyBaggage.js';
import { serializeBaggage } from '../baggage/serializeBaggage.js';

const BAGGAGE_HEADER = 'baggage';

/** The journey's own values (session, user), read at each injection. */
export type JourneyBaggageValues = () => Partial<Record<BaggageKey, string | undefined>>;

/**
 * The SDK's propagator: W3C trace context (`traceparent`, `tracestate`), then a `baggage` header
 * with allow-listed keys only: the journey's current values, or else what the context's baggage
 * holds for those keys. Anything else the page put in baggage stays in the page. Baggage
 * extraction is left to the server side. One propagator rather than core's CompositePropagator
 * of two: the same headers, in fewer bytes.
 */
export function journeyPropagator(journeyValues: JourneyBaggageValues, traceContext: TextMapPropagator = new W3CTraceContextPropagator()): TextMapPropagator {
  return {
    inject(context, carrier, setter) {
      traceContext.inject(context, carrier, setter);
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
    extract: (context, carrier, getter) => traceContext.extract(context, carrier, getter),
    fields: () => [...traceContext.fields(), BAGGAGE_HEADER],
  };
}
