/**
 * OpenTelemetry for the origin: a SERVER span per request, continuing the edge's trace (W3C
 * trace context and baggage), `session.id` and `user.tier` from baggage on every span, OTLP/HTTP
 * to OTEL_EXPORTER_OTLP_ENDPOINT. Loaded with `node --import` before the server.
 */
import { createRequire } from 'node:module';
import { BaggageSpanProcessor } from '@journeytrace/edge/baggage-span-processor';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const provider = new NodeTracerProvider({
  resource: defaultResource().merge(resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'shop-origin' })),
  spanProcessors: [new BaggageSpanProcessor(), new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: 200 })],
});
provider.register();
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health' })],
});
// ESM imports of node:http share this object: requiring it lets the instrumentation patch it.
createRequire(import.meta.url)('node:http');
