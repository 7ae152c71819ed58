/**
 * Sends spans as the edge puts them on the wire (OTLP/HTTP protobuf, which its encoder writes byte
 * for byte as otlp-transformer does), as one service, with trace ids chosen by the caller so tests
 * know which journey each span belongs to.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode } from '@opentelemetry/core';
import {
  TracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { exportOverHttp } from './otlpExport.js';

export interface SpanSpec {
  traceId: string;
  name: string;
  attributes?: Attributes;
  error?: boolean;
  /** How long the span lasts; 1 by default. */
  durationMillis?: number;
}

export interface SpanSender {
  /** Ends one span per spec (each a child of a remote parent in its trace) and queues it. */
  send(specs: readonly SpanSpec[]): void;
  /** Sends everything queued; resolves when the collector has answered. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface SpanSenderOptions {
  serviceName: string;
  /** More resource attributes (e.g. `journeytrace.relayed: true`, as the edge relay stamps them). */
  resourceAttributes?: Attributes;
  /** Collector OTLP/HTTP base URL. */
  collectorUrl: string;
  /** Spans per export request; 512 (the batch processor's default) unless given. */
  maxExportBatchSize?: number;
  /** Request headers, e.g. the collector's `authorization`. */
  headers?: Record<string, string>;
}

export function createSpanSender(options: SpanSenderOptions): SpanSender {
  const exporter = protobufExporter(options.collectorUrl, options.headers);
  const maxExportBatchSize = options.maxExportBatchSize ?? 512;
  const provider = tracerProvider(
    options.serviceName,
    new BatchSpanProcessor({ exporter, maxExportBatchSize, maxQueueSize: 1_000_000, scheduledDelayMillis: 60_000 }),
    options.resourceAttributes,
  );
  const tracer = provider.getTracer('journeytrace-collector-tests');
  return {
    send: (specs) => endSpans(tracer, specs),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** One POST per batch, no retry: a refused batch fails the flush, as a test wants to see. */
function protobufExporter(collectorUrl: string, headers?: Record<string, string>): SpanExporter {
  return {
    export(spans, done) {
      exportOverHttp(collectorUrl, spans, headers).then(
        (status) =>
          done(
            status >= 200 && status < 300
              ? { code: ExportResultCode.SUCCESS }
              : { code: ExportResultCode.FAILED, error: new Error(`the collector answered ${status}`) },
          ),
        (error: unknown) => done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
      );
    },
    shutdown: async () => {},
  };
}

/** The spans `send` would export, kept in memory: for tests that build the request themselves. */
export async function recordSpans(serviceName: string, specs: readonly SpanSpec[]): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = tracerProvider(serviceName, new SimpleSpanProcessor({ exporter }));
  endSpans(provider.getTracer('journeytrace-collector-tests'), specs);
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

function tracerProvider(serviceName: string, processor: SpanProcessor, resourceAttributes?: Attributes): TracerProvider {
  return new TracerProvider({ resource: resourceFromAttributes({ ...resourceAttributes, 'service.name': serviceName }), spanProcessors: [processor] });
}

/** Ends one span per spec, each a child of a remote parent in its trace. */
function endSpans(tracer: Tracer, specs: readonly SpanSpec[]): void {
  const now = Date.now();
  for (const spec of specs) {
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: spec.traceId, spanId: randomHex(16), traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const duration = spec.durationMillis ?? 1;
    const span = tracer.startSpan(spec.name, { kind: SpanKind.SERVER, attributes: spec.attributes, startTime: now - duration }, parent);
    if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(now);
  }
}

/** Random lowercase hex of `length` characters (a trace id is 32, a span id 16). */
export function randomHex(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length / 2));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
