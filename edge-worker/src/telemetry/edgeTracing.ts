import { context, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BaggageSpanProcessor } from '../baggage/BaggageSpanProcessor.js';
import { HttpMetrics } from '../metrics/httpMetrics.js';
import { OTLPFetchSpanExporter } from '../export/OTLPFetchSpanExporter.js';
import { W3CPropagator } from '../propagation/index.js';
import {
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_SERVICE_NAME,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  CLOUD_PLATFORM_VALUE_CLOUDFLARE_WORKERS,
  CLOUD_PROVIDER_VALUE_CLOUDFLARE,
} from '../semconv.js';
import { AsyncLocalStorageContextManager } from './AsyncLocalStorageContextManager.js';

/** Everything the edge needs to trace: one per exporter configuration, reused across requests. */
export interface EdgeTracing {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  /** HTTP duration histograms with exemplars, when a metrics URL (or instance) is configured. */
  readonly metrics?: HttpMetrics;
  /** Sends ended spans, and metrics when their interval has passed; call it in `ctx.waitUntil`. */
  forceFlush(): Promise<void>;
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
}

let contextManagerInstalled = false;

/** Installs the AsyncLocalStorage context manager once per isolate (idempotent). */
export function installContextManager(): void {
  if (contextManagerInstalled) return;
  contextManagerInstalled = context.setGlobalContextManager(new AsyncLocalStorageContextManager());
}

export function createEdgeTracing(config: EdgeTracingConfig): EdgeTracing {
  installContextManager();
  const exporter =
    config.exporter ??
    new OTLPFetchSpanExporter({ url: config.tracesUrl ?? 'http://127.0.0.1:4318/v1/traces', headers: config.headers });
  // Inside workerd the default resource says `webjs`; say where these spans come from instead.
  const resource = defaultResource().merge(
    resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.serviceName,
      [ATTR_TELEMETRY_SDK_LANGUAGE]: 'js',
      [ATTR_CLOUD_PROVIDER]: CLOUD_PROVIDER_VALUE_CLOUDFLARE,
      [ATTR_CLOUD_PLATFORM]: CLOUD_PLATFORM_VALUE_CLOUDFLARE_WORKERS,
    }),
  );
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BaggageSpanProcessor(config.promotedBaggageKeys), new BatchSpanProcessor(exporter)],
  });
  const metrics =
    config.metrics ??
    (config.metricsUrl
      ? new HttpMetrics({
          metricsUrl: config.metricsUrl,
          headers: config.headers,
          resource: { [ATTR_SERVICE_NAME]: config.serviceName, [ATTR_CLOUD_PROVIDER]: CLOUD_PROVIDER_VALUE_CLOUDFLARE },
          exportIntervalMillis: config.metricsIntervalMillis,
        })
      : undefined);
  return {
    tracer: provider.getTracer('@journeytrace/edge'),
    // W3C Trace Context Level 2 and Baggage; core's pair fails the spec's tracestate and random-flag rules.
    propagator: new W3CPropagator(),
    metrics,
    // Spans go after every request; metrics once per interval (flushIfDue).
    forceFlush: async () => {
      await Promise.all([provider.forceFlush(), metrics?.flushIfDue()]);
    },
  };
}
