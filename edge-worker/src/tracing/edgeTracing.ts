import { ROOT_CONTEXT, context, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { BaggageSpanProcessor } from '@journeytrace/contract/baggage-span-processor';
import { HttpMetrics } from '@journeytrace/contract/metrics';
import { EdgeBatchSpanProcessor, type DropReport, type EdgeBatchSpanProcessorOptions } from '../export/EdgeBatchSpanProcessor.js';
import { OTLPFetchSpanExporter } from '../export/OTLPFetchSpanExporter.js';
import { log, otlpSignalUrl } from '@journeytrace/contract';
import { W3CPropagator } from '@journeytrace/contract/propagation';
import {
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_SERVICE_NAME,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  CLOUD_PLATFORM_VALUE_CLOUDFLARE_WORKERS,
  CLOUD_PROVIDER_VALUE_CLOUDFLARE,
} from '../semconv.js';
import { installContextManager } from '../context/activeContext.js';
import { EdgeTracer } from '../tracer/EdgeTracer.js';
import { createSampler, type SamplerConfig } from '../tracer/sampler.js';

/** Everything the edge needs to trace: one per exporter configuration, reused across requests. */
export interface EdgeTracing {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  /** HTTP duration histograms with exemplars, when a metrics URL (or instance) is configured. */
  readonly metrics?: HttpMetrics;
  /** Marks a request (or queue batch) as in flight, for the flush policy; pair it with `requestEnded`. */
  requestStarted(): void;
  /**
   * Marks it as ended; pass the promise to `ctx.waitUntil`. Sends the spans that are due (the
   * isolate's buffer is full or old enough, or no request is in flight) and metrics whose
   * interval has passed, or holds the isolate until a scheduled send. Undefined when there is
   * nothing to send or wait for. Never rejects.
   */
  requestEnded(): Promise<void> | undefined;
  /** As `requestEnded`, without counting a request (e.g. after a queue send). */
  flushWhenDue(): Promise<void> | undefined;
  /** Sends every held span now (retries included) and metrics whose interval has passed. */
  forceFlush(): Promise<void>;
  /** Spans given up on in this isolate (queue full, refused by the collector); each drop is reported. */
  readonly droppedSpans: number;
}

export interface EdgeTracingConfig {
  serviceName: string;
  /** Where spans go; ignored when `exporter` is given. */
  tracesUrl?: string;
  /** Where metrics go (delta histograms, OTLP/JSON); none are recorded without it or `metrics`. */
  metricsUrl?: string;
  /** Replaces the metrics built from `metricsUrl` (tests). */
  metrics?: HttpMetrics;
  /** How often metrics are sent (ms), checked at each flush. Default 10000. */
  metricsIntervalMillis?: number;
  headers?: Record<string, string>;
  /** Baggage keys copied onto spans as attributes. */
  promotedBaggageKeys?: readonly string[];
  /** Replaces the OTLP fetch exporter (tests pass an in-memory one). */
  exporter?: SpanExporter;
  /** Batching and retry-queue settings of the isolate's span buffer (`OTEL_BSP_*` in `tracingFromEnv`). */
  batch?: Omit<EdgeBatchSpanProcessorOptions, 'onDrop'>;
  /** Head sampling (`OTEL_TRACES_SAMPLER` and `_ARG` in `tracingFromEnv`). Default: parent-based, always on. */
  sampler?: SamplerConfig;
}

/** The isolate's count of dropped spans, sent with the HTTP metrics (cumulative sum). */
export const METRIC_SPANS_DROPPED = 'journeytrace.edge.spans.dropped';

export function createEdgeTracing(config: EdgeTracingConfig): EdgeTracing {
  installContextManager();
  const exporter =
    config.exporter ?? new OTLPFetchSpanExporter({ url: config.tracesUrl ?? otlpSignalUrl('http://127.0.0.1:4318', 'traces'), headers: config.headers });
  // Inside workerd the default resource says `webjs`; say where these spans come from instead.
  const resource = defaultResource().merge(
    resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_TELEMETRY_SDK_LANGUAGE]: 'js',
      [ATTR_CLOUD_PROVIDER]: CLOUD_PROVIDER_VALUE_CLOUDFLARE,
      [ATTR_CLOUD_PLATFORM]: CLOUD_PLATFORM_VALUE_CLOUDFLARE_WORKERS,
    }),
  );
  // Retries are the processor's (an isolate-level queue), so the exporter makes one attempt per send.
  const processor = new EdgeBatchSpanProcessor(exporter, { ...config.batch, onDrop: reportDrop });
  const tracer = new EdgeTracer(
    {
      resource,
      instrumentationScope: { name: '@journeytrace/edge' },
      processors: [new BaggageSpanProcessor(config.promotedBaggageKeys), processor],
    },
    createSampler(config.sampler),
  );
  const metrics =
    config.metrics ??
    (config.metricsUrl
      ? new HttpMetrics({
          metricsUrl: config.metricsUrl,
          headers: config.headers,
          resource: { [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_CLOUD_PROVIDER]: CLOUD_PROVIDER_VALUE_CLOUDFLARE },
          exportIntervalMillis: config.metricsIntervalMillis,
          counters: [
            {
              name: METRIC_SPANS_DROPPED,
              description: 'Spans the edge gave up on: over the queue bounds, or refused by the collector.',
              unit: '{span}',
              read: () => processor.droppedSpans,
            },
          ],
        })
      : undefined);
  // Made once: alongside() runs on every request.
  const metricsFlush = { isIdle: () => processor.inFlightRequests === 0 };
  return {
    tracer,
    // W3C Trace Context Level 2 and Baggage; core's pair fails the spec's tracestate and random-flag rules.
    propagator: new W3CPropagator(),
    metrics,
    requestStarted: () => processor.requestStarted(),
    // Spans when the isolate's buffer is due; metrics once per interval, or soon after the isolate goes idle.
    requestEnded: () => alongside(processor.requestEnded(), metrics, metricsFlush),
    flushWhenDue: () => alongside(processor.flushWhenDue(), metrics, metricsFlush),
    forceFlush: async () => {
      await Promise.all([processor.forceFlush(), metrics?.flushIfDue()]);
    },
    get droppedSpans() {
      return processor.droppedSpans;
    },
  };
}

/** The span flush and the metrics flush, each when due or waited for (most requests: neither). */
function alongside(
  spans: Promise<void> | undefined,
  metrics: HttpMetrics | undefined,
  metricsFlush: Parameters<HttpMetrics['flushWhenDue']>[0],
): Promise<void> | undefined {
  const sent = metrics?.flushWhenDue(metricsFlush);
  if (!sent) return spans;
  return spans ? Promise.all([spans, sent]).then(() => undefined) : sent;
}

/**
 * Drops also go to the log as one JSON line (`journeytrace.spans.dropped`), since a worker's
 * `diag` usually has no logger: what the edge gave up on is visible in `wrangler tail`.
 */
function reportDrop(report: DropReport): void {
  context.with(ROOT_CONTEXT, () =>
    log('journeytrace.spans.dropped', { dropped_spans: report.droppedSpans, dropped_spans_total: report.droppedSpansTotal, reason: report.reason }),
  );
}
