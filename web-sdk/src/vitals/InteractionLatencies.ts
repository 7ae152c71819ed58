/** Interactions kept: enough for the 98th percentile up to 500 interactions. */
export const MAX_LONGEST_INTERACTIONS = 10;

/**
 * Interaction to Next Paint: the latency of each interaction is the longest duration among its
 * events (same `interactionId`); INP is the worst one, except that one in every 50 interactions
 * is forgiven (an approximate 98th percentile), keeping only the ten longest in memory.
 * @see https://web.dev/articles/inp#what-is-inp
 */
export class InteractionLatencies {
  private _longest: Array<{ id: number; latency: number }> = [];
  private _seen = new Set<number>();

  /** Distinct interactions seen, for browsers without `performance.interactionCount`. */
  get count(): number {
    return this._seen.size;
  }

  add(interactionId: number, duration: number): void {
    if (!interactionId) return; // Events that are not part of an interaction (e.g. hover).
    this._seen.add(interactionId);
    const known = this._longest.find((item) => item.id === interactionId);
    if (known) known.latency = Math.max(known.latency, duration);
    else if (this._longest.length < MAX_LONGEST_INTERACTIONS || duration > this._longest[this._longest.length - 1]!.latency) this._longest.push({ id: interactionId, latency: duration });
    else return;
    this._longest.sort((a, b) => b.latency - a.latency);
    this._longest.length = Math.min(this._longest.length, MAX_LONGEST_INTERACTIONS);
  }

  /** INP for `interactionCount` interactions on the page; `undefined` before the first one. */
  estimate(interactionCount: number = this.count): number | undefined {
    if (!this._longest.length) return undefined;
    const index = Math.min(this._longest.length - 1, Math.floor(interactionCount / 50));
    return this._longest[index]!.latency;
  }
}
