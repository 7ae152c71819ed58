import { readNumberSetting } from '@journeytrace/contract';
import { MAX_SPILL_SHARDS } from './spillProtocol.js';
import { spillTo, type Spill } from './spillTo.js';
import type { SpillNamespace } from './types.js';

/** The bindings that turn the spill on and spread it. */
export interface SpillEnv {
  /** The `JourneytraceSpill` Durable Object namespace (wrangler.toml `[[durable_objects.bindings]]`). */
  JOURNEYTRACE_SPILL?: SpillNamespace;
  /** Objects the spill spreads its batches over, 1 to 64. Default 1 (one writer: exact order and bounds). */
  JOURNEYTRACE_SPILL_SHARDS?: string;
}

/** The worker's spill, as its bindings configure it; none without the binding. The exporter and the relay both take it from here. */
export function spillFromEnv(env: SpillEnv): Spill | undefined {
  if (!env.JOURNEYTRACE_SPILL) return undefined;
  const shards = readNumberSetting('JOURNEYTRACE_SPILL_SHARDS', env.JOURNEYTRACE_SPILL_SHARDS, { min: 1, max: MAX_SPILL_SHARDS, fallback: 1 });
  return spillTo(env.JOURNEYTRACE_SPILL, { shards: Math.floor(shards ?? 1) });
}
