/**
 * Counts spans per trace and per service in the collector's traces file as it grows, reading
 * only the bytes added since the last call: a load run writes hundreds of megabytes, too many
 * to parse whole on every poll.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

interface ExportLine {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value?: { stringValue?: string } }> };
    scopeSpans?: Array<{ spans?: Array<{ traceId: string; spanId: string }> }>;
  }>;
}

export class SpanTally {
  /** Spans per trace id (every copy). */
  readonly byTrace = new Map<string, number>();
  /** Spans per `service.name`. */
  readonly byService = new Map<string, number>();
  /** Copies beyond the first of a span (same trace and span id), per trace: at-least-once repeats. */
  readonly repeatsByTrace = new Map<string, number>();
  /** Services of each trace's distinct spans. */
  readonly servicesByTrace = new Map<string, string[]>();
  private readonly _seen = new Set<string>();
  private _offset = 0;
  private _partial = '';
  // A character may straddle two reads.
  private readonly _decoder = new StringDecoder('utf8');

  constructor(private readonly _file: string) {}

  /** Reads what the collector appended since the last call. */
  async update(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this._file, 'r');
    } catch {
      return; // Not written yet.
    }
    try {
      const chunk = Buffer.alloc(8 * 1024 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, this._offset);
        if (bytesRead === 0) break;
        this._offset += bytesRead;
        const lines = (this._partial + this._decoder.write(chunk.subarray(0, bytesRead))).split('\n');
        // The last piece is a line still being written (or empty after a newline).
        this._partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this._count(JSON.parse(line) as ExportLine);
      }
    } finally {
      await handle.close();
    }
  }

  private _count(request: ExportLine): void {
    for (const resourceSpans of request.resourceSpans ?? []) {
      const service = resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value?.stringValue ?? '';
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          this.byTrace.set(span.traceId, (this.byTrace.get(span.traceId) ?? 0) + 1);
          this.byService.set(service, (this.byService.get(service) ?? 0) + 1);
          const key = `${span.traceId}/${span.spanId}`;
          if (this._seen.has(key)) {
            this.repeatsByTrace.set(span.traceId, (this.repeatsByTrace.get(span.traceId) ?? 0) + 1);
          } else {
            this._seen.add(key);
            const services = this.servicesByTrace.get(span.traceId);
            if (services) services.push(service);
            else this.servicesByTrace.set(span.traceId, [service]);
          }
        }
      }
    }
  }
}
