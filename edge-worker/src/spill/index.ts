/**
 * @module
 * Durable spill for the edge: what the collector cannot take within a request's `waitUntil`
 * is written to a Durable Object and sent from its alarm later. See edge-worker/README.md.
 */
export { JourneytraceSpill, type SpillBindings } from './JourneytraceSpill.js';
export { spillTo, spillSpansTo, type Spill, type SpillRequest, type SpillToOptions } from './spillTo.js';
export { spillFromEnv, type SpillEnv } from './spillFromEnv.js';
export { batchesOverBounds, DEFAULT_SPILL_BOUNDS, type SpillBounds } from './spillBounds.js';
export { BATCH_ID_HEADER, MAX_SPILL_SHARDS, SPILL_OBJECT_NAME, spillObjectName, spillShardOf } from './spillProtocol.js';
export type { SpillNamespace, SpillObjectState, SpillStorage } from './types.js';
