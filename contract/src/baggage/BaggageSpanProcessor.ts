import type { Baggage, Context } from '@opentelemetry/api';
import { propagationApi } from '../api.js';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { PROMOTED_BAGGAGE_KEYS } from '../journeyBaggage.js';

/**
 * Copies allow-listed baggage entries onto every span as attributes when it starts.
 *
 * Tail sampling matches span and resource attributes, never baggage, so `user.tier` must be
 * on the spans for the collector's `premium-users` policy to see it. Only listed keys are
 * copied: baggage comes from the browser and may carry anything.
 */
export class BaggageSpanProcessor implements SpanProcessor {
  private readonly _keys: readonly string[];
  /**
   * The promoted entries of each Baggage seen (a Baggage is immutable, and the propagator hands
   * the same one to every request carrying the same header): looked up once, not per span.
   */
  private readonly _promoted = new WeakMap<Baggage, ReadonlyArray<readonly [string, string]>>();

  constructor(keys: readonly string[] = PROMOTED_BAGGAGE_KEYS) {
    this._keys = keys;
  }

  onStart(span: Span, parentContext: Context): void {
    const baggage = propagationApi.getBaggage(parentContext);
    if (!baggage) return;
    let promoted = this._promoted.get(baggage);
    if (!promoted) {
      const found: Array<readonly [string, string]> = [];
      for (const key of this._keys) {
        const entry = baggage.getEntry(key);
        if (entry) found.push([key, entry.value]);
      }
      promoted = found;
      this._promoted.set(baggage, promoted);
    }
    for (const [key, value] of promoted) span.setAttribute(key, value);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
