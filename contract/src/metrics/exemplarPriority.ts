/** Slower than this counts as slow, as in the collector's `slow-requests` policy. */
export const SLOW_REQUEST_SECONDS = 0.5;
/** Tiers the collector's `premium-users` policy keeps. */
export const KEPT_TIERS: readonly string[] = ['premium', 'vip'];

/**
 * How much an exemplar is worth: the tail sampler keeps errors, slow requests and premium/vip
 * journeys, so exemplars from those point at traces that exist; others may have been dropped.
 */
export function exemplarPriority(request: { error: boolean; durationSeconds: number; tier?: string }): number {
  if (request.error) return 3;
  if (request.durationSeconds > SLOW_REQUEST_SECONDS) return 2;
  if (request.tier && KEPT_TIERS.includes(request.tier)) return 1;
  return 0;
}
