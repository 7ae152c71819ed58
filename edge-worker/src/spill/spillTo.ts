import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { encodeTraceExportRequest } from '../export/otlpProtobuf.js';
import { log } from '@journeytrace/contract';
import { BATCH_ID_HEADER, MAX_SPILL_SHARDS, SPAN_COUNT_HEADER, spillObjectName, spillShardOf } from './spillProtocol.js';
import type { SpillNamespace } from './types.js';

/** An export request to hold: its body as it will be posted, and what the store needs to know. */
export interface SpillRequest {
  body: Uint8Array;
  contentType: string;
  contentEncoding?: string;
  spanCount: number;
  batchId?: string;
}

/** Hands a batch to the spill store; resolves to whether it is stored (never rejects). */
export type Spill = (batch: SpillRequest) => Promise<boolean>;

export interface SpillToOptions {
  /**
   * Objects to spread the batches over (1 to 64; default 1). One object keeps the order and the
   * bounds exact, and takes every isolate's writes while the collector is down; a worker with
   * many busy isolates spreads them (each shard keeps its own bounds and alarm).
   */
  shards?: number;
  /** Picks the shard of a batch without an id. Default `Math.random`. */
  random?: () => number;
}

/**
 * The spill of a worker: posts a batch to its `JourneytraceSpill` object, which answers only
 * once the batch is on disk. A store that cannot be reached or refuses the batch gives `false`:
 * the caller keeps the batch (or answers 502) as it would without a spill.
 */
export function spillTo(namespace: SpillNamespace, options: SpillToOptions = {}): Spill {
  const shards = Math.min(MAX_SPILL_SHARDS, Math.max(1, Math.floor(options.shards ?? 1) || 1));
  const random = options.random ?? Math.random;
  return async function spill(batch) {
    try {
      // A stub per call: workerd refuses I/O through a stub made in another request.
      const stub = namespace.get(namespace.idFromName(spillObjectName(spillShardOf(batch.batchId, shards, random))) as never);
      const headers: Record<string, string> = { 'content-type': batch.contentType, [SPAN_COUNT_HEADER]: String(batch.spanCount) };
      if (batch.contentEncoding) headers['content-encoding'] = batch.contentEncoding;
      if (batch.batchId) headers[BATCH_ID_HEADER] = batch.batchId;
      // Outside the request's trace: holding spans makes no spans.
      const response = await context.with(ROOT_CONTEXT, () =>
        stub.fetch(new Request('https://journeytrace-spill/batches', { method: 'POST', headers, body: batch.body as Uint8Array<ArrayBuffer> })),
      );
      await response.body?.cancel();
      if (!response.ok) log('journeytrace.spill.refused', { status: response.status, spans: batch.spanCount });
      return response.ok;
    } catch (error) {
      log('journeytrace.spill.failed', { error: error instanceof Error ? error.message : String(error), spans: batch.spanCount });
      return false;
    }
  };
}

/** The span processor's side: the spans as one OTLP/protobuf export request, spilled. */
export function spillSpansTo(spill: Spill): (spans: ReadableSpan[]) => Promise<boolean> {
  return (spans) => {
    let body: Uint8Array;
    try {
      body = encodeTraceExportRequest(spans);
    } catch {
      return Promise.resolve(false); // The exporter reports spans it cannot write.
    }
    return spill({ body, contentType: 'application/x-protobuf', spanCount: spans.length });
  };
}
