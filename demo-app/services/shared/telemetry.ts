/**
 * OpenTelemetry for the demo's Node origin services: HTTP server/client spans, W3C trace
 * context and baggage, allow-listed baggage promoted to span attributes, OTLP/HTTP export.
 * Import it before anything that serves or sends HTTP.
 */
import { createRequire } from 'node:module';
import { context, diag, DiagConsoleLogger, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { BaggageSpanProcessor, batchOptionsFromEnv, httpMetricsFromEnv, OTLPHttpSpanExporter, RetryingSpanExporter, W3CPropagator, type HttpMetrics } from '@journeytrace/node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

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
      // `Authorization=Bearer%20<token>`) and OTEL_BSP_* from the environment (OpenTelemetry JS 3's
      // BatchSpanProcessor reads no environment itself). The
      // exporter makes one attempt; the retrying wrapper holds what the collector could not take
      // (a restart, an outage) and sends it again once it is back, by the contract's retry rules:
      // up to OTEL_EXPORTER_OTLP_RETRY_MAX_QUEUE_SIZE spans, drops reported.
      new BatchSpanProcessor({ ...batchOptionsFromEnv(), exporter: new RetryingSpanExporter(new OTLPHttpSpanExporter()) }),
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
  const nodeMetrics = httpMetricsFromEnv(serviceName);
  metrics = nodeMetrics.metrics;
  return {
    shutdown: async () => {
      await Promise.all([provider.shutdown(), nodeMetrics.shutdown()]);
    },
  };
}

/** JSON log lines with trace_id and span_id (the same shape as the edge worker's). */
export { log } from '@journeytrace/node';
