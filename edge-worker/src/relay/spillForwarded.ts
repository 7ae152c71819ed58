import type { Spill } from '../spill/spillTo.js';
import type { OtlpTraceRequest } from './otlpTypes.js';
import { gzipText } from './forwardToCollector.js';

/**
 * Hands a validated batch the collector could not take to the spill store, as the same
 * gzip-compressed OTLP/JSON the relay forwards (about a tenth of the JSON, so a tenth of the
 * store). Resolves to whether it is held.
 */
export async function spillForwarded(spill: Spill, request: OtlpTraceRequest, spanCount: number, batchId: string | undefined): Promise<boolean> {
  try {
    const body = new Uint8Array(await gzipText(JSON.stringify(request)));
    return await spill({ body, contentType: 'application/json', contentEncoding: 'gzip', spanCount, ...(batchId ? { batchId } : {}) });
  } catch {
    return false;
  }
}
