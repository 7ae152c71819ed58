/**
 * @module
 * OTLP/HTTP protobuf span exporter for Node that makes ONE attempt per `export` and reports:
 * retrying is {@link RetryingSpanExporter}'s job, so a service has one retry path. (The stock
 * `OTLPTraceExporter` of this OpenTelemetry JS line retries inside itself, with its own status
 * list, 429/502/503/504 without 408 or 500, and no way to turn that off.)
 */
import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ExportFailure, exportFailureFromNetworkError, exportFailureFromResponse, otlpEndpointFromEnv, otlpHeadersFromEnv } from '@journeytrace/contract';

export interface OTLPHttpSpanExporterOptions {
  /** Full traces URL. Default: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`, else `http://localhost:4318/v1/traces`. */
  url?: string;
  /** Request headers. Default: `OTEL_EXPORTER_OTLP_HEADERS` overridden by `OTEL_EXPORTER_OTLP_TRACES_HEADERS`. */
  headers?: Record<string, string>;
  /** Abort an attempt after this long, ms. Default `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10000. */
  timeoutMillis?: number;
  /** The fetch to send with. Default the global one. */
  fetch?: typeof fetch;
  /** Where the defaults are read from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

const DEFAULT_TRACES_URL = 'http://localhost:4318/v1/traces';

export class OTLPHttpSpanExporter implements SpanExporter {
  private readonly _url: string;
  private readonly _headers: Record<string, string>;
  private readonly _timeoutMillis: number;
  private readonly _fetch: typeof fetch;
  private readonly _pending = new Set<Promise<unknown>>();

  constructor(options: OTLPHttpSpanExporterOptions = {}) {
    const env = options.env ?? process.env;
    this._url = options.url ?? otlpEndpointFromEnv(env, 'traces') ?? DEFAULT_TRACES_URL;
    this._headers = { ...(options.headers ?? otlpHeadersFromEnv(env, 'traces')), 'content-type': 'application/x-protobuf' };
    const timeout = options.timeoutMillis ?? Number(env.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000);
    this._timeoutMillis = Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000;
    this._fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** One attempt; a failure's error is an `ExportFailure` saying whether another may help and how long the collector asked to wait. */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const sent = this._send(spans).then(resultCallback);
    this._pending.add(sent);
    void sent.finally(() => this._pending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this._pending);
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  private async _send(spans: ReadableSpan[]): Promise<ExportResult> {
    let body: Uint8Array | undefined;
    try {
      body = ProtobufTraceSerializer.serializeRequest(spans);
    } catch (error) {
      body = undefined;
      diag.debug(`journeytrace: could not serialize spans: ${String(error)}`);
    }
    if (!body) return { code: ExportResultCode.FAILED, error: new ExportFailure('could not serialize spans', false) };
    try {
      const response = await this._fetch(this._url, {
        method: 'POST',
        headers: this._headers,
        body: body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(this._timeoutMillis),
      });
      await response.body?.cancel();
      if (response.ok) return { code: ExportResultCode.SUCCESS };
      return { code: ExportResultCode.FAILED, error: exportFailureFromResponse(response.status, response.headers.get('retry-after')) };
    } catch (error) {
      return { code: ExportResultCode.FAILED, error: exportFailureFromNetworkError(error) };
    }
  }
}
