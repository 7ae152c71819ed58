/** Interactions kept: enough for the 98th percentile up to 500 interactions. */
export const MAX_LONGEST_INTERACTIONS = 10;

/** Event timings in, INP out. */
export interface InteractionLatencies {
  add(interactionId: number, duration: number): void;
  /** Distinct interactions seen, for browsers without `performance.interactionCount`. */
  readonly count: number;
  /** INP for `interactionCount` interactions on the page; `undefined` before the first one. */
  estimate(interactionCount?: number): number | undefined;
}

/**
 * Interaction to Next Paint: the latency of each interaction is the longest duration among its
 * events (same `interactionId`); INP is the worst one, except that one in every 50 interactions
 * is forgiven (an approximate 98th percentile), keeping only the ten longest in memory.
 * @see https://web.dev/articles/inp#what-is-inp
 */
export function interactionLatencies(): InteractionLatencies {
  const longest: Array<{ id: number; latency: number }> = [];
  const seen = new Set<number>();
  return {
    get count() {
      return seen.size;
    },
    add(interactionId, duration) {
      if (!interactionId) return; // Events that are not part of an interaction (e.g. hover).
      seen.add(interactionId);
      const known = longest.find((item) => item.id === interactionId);
      if (known) known.latency = Math.max(known.latency, duration);
      else longest.push({ id: interactionId, latency: duration });
      longest.sort((a, b) => b.latency - a.latency).splice(MAX_LONGEST_INTERACTIONS);
    },
    estimate(interactionCount = seen.size) {
      return longest[Math.min(longest.length - 1, Math.floor(interactionCount / 50))]?.latency;
    },
  };
}
