/**
 * The slice of the Workers runtime the spill store uses, structurally, so the module builds and
 * runs its unit tests without `@cloudflare/workers-types`.
 */

/** `DurableObjectStorage`'s key-value calls (SQLite-backed objects too) and its alarm. */
export interface SpillStorage {
  get<T>(key: string): Promise<T | undefined>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<number>;
  list<T>(options: { prefix: string; limit?: number }): Promise<Map<string, T>>;
  getAlarm(): Promise<number | null>;
  setAlarm(scheduledTime: number): Promise<void>;
}

export interface SpillObjectState {
  storage: SpillStorage;
}

/** A Durable Object namespace binding (`DurableObjectNamespace`), as far as the spill uses it. */
export interface SpillNamespace {
  idFromName(name: string): unknown;
  get(id: never): { fetch(request: Request): Promise<Response> };
}

/** One OTLP/HTTP export request held until the collector takes it. */
export interface SpilledBatch {
  /** The request body, exactly as it will be posted. */
  body: Uint8Array;
  /** `application/x-protobuf` (edge spans) or `application/json` (relayed browser batches). */
  contentType: string;
  /** `gzip` when the body is gzip-compressed. */
  contentEncoding?: string;
  /** Spans in the body, for the drop report. */
  spanCount: number;
  /** The sender's id for the batch (`journeytrace-batch-id`), so a repeat is stored once. */
  batchId?: string;
  /** When it was stored (epoch ms). */
  storedAtMillis: number;
  /** Failed deliveries so far. */
  attempts: number;
}
