import { SLOW_REQUEST_THRESHOLD_MILLIS, TAIL_SAMPLING_KEPT_TIERS } from '../tailSampling.js';

/**
 * How much an exemplar is worth: the tail sampler keeps errors, slow requests and premium/vip
 * journeys, so exemplars from those point at traces that exist; others may have been dropped.
 */
export function exemplarPriority(request: { error: boolean; durationSeconds: number; tier?: string }): number {
  if (request.error) return 3;
  if (request.durationSeconds * 1000 > SLOW_REQUEST_THRESHOLD_MILLIS) return 2;
  if (request.tier && TAIL_SAMPLING_KEPT_TIERS.includes(request.tier)) return 1;
  return 0;
}
