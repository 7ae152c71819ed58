/**
 * OpenTelemetry for the demo's Node origin services: HTTP server/client spans, W3C trace
 * context and baggage, allow-listed baggage promoted to span attributes, OTLP/HTTP export.
 * Import it before anything that serves or sends HTTP.
 */
import { createRequire } from 'node:module';
import { BaggageSpanProcessor } from '@journeytrace/edge/baggage-span-processor';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface NodeTracing {
  shutdown(): Promise<void>;
}

export function startNodeTracing(serviceName: string): NodeTracing {
  const provider = new NodeTracerProvider({
    // Merge, not replace: the default resource carries telemetry.sdk.language=nodejs.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    spanProcessors: [
      new BaggageSpanProcessor(),
      // Reads OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_BSP_SCHEDULE_DELAY from the environment.
      new BatchSpanProcessor(new OTLPTraceExporter()),
    ],
  });
  provider.register();
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
  return { shutdown: () => provider.shutdown() };
}

/** JSON log lines with trace_id and span_id (the same shape as the edge worker's). */
export { log } from '@journeytrace/edge/log';
