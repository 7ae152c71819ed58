/**
 * @module
 * What the collector's tail sampler keeps (collector/config*.yaml, front-tier.yaml): the kit's
 * other parts rank exemplars by it. `collector/tailSampling.test.ts` reads the YAML and fails
 * when the two disagree.
 */

/** Tiers the `premium-users` policy keeps whole. */
export const TAIL_SAMPLING_KEPT_TIERS: readonly string[] = Object.freeze(['premium', 'vip']);

/** A server-side span slower than this keeps its trace (the `slow-requests` policy), in ms. */
export const SLOW_REQUEST_THRESHOLD_MILLIS = 500;
