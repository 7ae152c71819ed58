/**
 * OpenTelemetry for the demo's Node origin services: HTTP server/client spans, W3C trace
 * context and baggage, allow-listed baggage promoted to span attributes, OTLP/HTTP export.
 * Import it before anything that serves or sends HTTP.
 */
import { createRequire } from 'node:module';
import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { BaggageSpanProcessor } from '@journeytrace/edge/baggage-span-processor';
import { HttpMetrics } from '@journeytrace/edge/metrics';
import { W3CPropagator } from '@journeytrace/edge/propagation';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { RetryingSpanExporter } from './RetryingSpanExporter.js';

export interface NodeTracing {
  shutdown(): Promise<void>;
}

let metrics: HttpMetrics | undefined;

/** The service's HTTP duration histograms, once `startNodeTracing` has run. */
export function httpMetrics(): HttpMetrics | undefined {
  return metrics;
}

export function startNodeTracing(serviceName: string): NodeTracing {
  // Telemetry problems (an export that failed, a dropped span) are said, never silent.
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  const provider = new TracerProvider({
    // Merge, not replace: the default resource carries telemetry.sdk.language=nodejs.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    spanProcessors: [
      new BaggageSpanProcessor(),
      // Reads OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS (the collector's
      // `Authorization=Bearer%20<token>`) and OTEL_BSP_SCHEDULE_DELAY from the environment. The
      // retrying wrapper holds what the collector could not take (a restart, an outage) and sends
      // it again once it is back: up to OTEL_EXPORTER_OTLP_RETRY_MAX_QUEUE_SIZE spans, drops reported.
      new BatchSpanProcessor({ exporter: new RetryingSpanExporter(new OTLPTraceExporter()) }),
    ],
  });
  // What sdk-trace-node's register() did (OpenTelemetry JS 3 has no register()): context across
  // async calls, and on the wire the edge's propagator, not @opentelemetry/core's: baggage keys are
  // read in the one canonical form the edge verified claims on (core's decodes `user%2Etier` into
  // `user.tier`, a bypass).
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    // Readiness probes make no traces.
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health' }),
      new GrpcInstrumentation(),
    ],
  });
  // ESM imports of node:http share this object; requiring it lets the instrumentation patch it.
  createRequire(import.meta.url)('node:http');

  // HTTP duration histograms with exemplars (the metrics SDK of this OpenTelemetry JS line
  // records no exemplars), sent every OTEL_METRIC_EXPORT_INTERVAL ms.
  const endpoint = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318').replace(/\/+$/, '');
  metrics = new HttpMetrics({ metricsUrl: `${endpoint}/v1/metrics`, headers: otlpMetricsHeaders(), resource: { [ATTR_SERVICE_NAME]: serviceName } });
  const interval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000;
  const timer = setInterval(() => void metrics?.flush(), interval);
  timer.unref();
  return {
    shutdown: async () => {
      clearInterval(timer);
      await Promise.all([provider.shutdown(), metrics?.flush()]);
    },
  };
}

/**
 * The metrics request headers as the stock OTLP exporters read them: `OTEL_EXPORTER_OTLP_HEADERS`,
 * overridden per key by `OTEL_EXPORTER_OTLP_METRICS_HEADERS` (`key=value` pairs, values
 * percent-encoded), parsed by the same function, so traces and metrics carry the same credentials.
 */
function otlpMetricsHeaders(): Record<string, string> {
  return { ...parseKeyPairsIntoRecord(process.env.OTEL_EXPORTER_OTLP_HEADERS), ...parseKeyPairsIntoRecord(process.env.OTEL_EXPORTER_OTLP_METRICS_HEADERS) };
}

/** JSON log lines with trace_id and span_id (the same shape as the edge worker's). */
export { log } from '@journeytrace/edge/log';
