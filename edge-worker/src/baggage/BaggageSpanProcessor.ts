import type { Context } from '@opentelemetry/api';
import { propagationApi } from '../tracer/api.js';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Baggage keys journeytrace promotes to span attributes by default. */
export const DEFAULT_PROMOTED_BAGGAGE_KEYS: readonly string[] = ['session.id', 'user.tier', 'enduser.id'];

/**
 * Copies allow-listed baggage entries onto every span as attributes when it starts.
 *
 * Tail sampling matches span and resource attributes, never baggage, so `user.tier` must be
 * on the spans for the collector's `premium-users` policy to see it. Only listed keys are
 * copied: baggage comes from the browser and may carry anything.
 */
export class BaggageSpanProcessor implements SpanProcessor {
  private readonly _keys: readonly string[];

  constructor(keys: readonly string[] = DEFAULT_PROMOTED_BAGGAGE_KEYS) {
    this._keys = keys;
  }

  onStart(span: Span, parentContext: Context): void {
    const baggage = propagationApi.getBaggage(parentContext);
    if (!baggage) return;
    for (const key of this._keys) {
      const entry = baggage.getEntry(key);
      if (entry) span.setAttribute(key, entry.value);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
