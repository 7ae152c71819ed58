/**
 * OpenTelemetry for the origin: a SERVER span per request, continuing the edge's trace (W3C
 * trace context and baggage), `session.id` and `user.tier` from baggage on every span, OTLP/HTTP
 * to OTEL_EXPORTER_OTLP_ENDPOINT (held and retried through an outage). Loaded with `node --import`
 * before the server.
 */
import { createRequire } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { BaggageSpanProcessor, OTLPHttpSpanExporter, RetryingSpanExporter, W3CPropagator } from '@journeytrace/node';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const provider = new TracerProvider({
  resource: defaultResource().merge(resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'shop-origin' })),
  spanProcessors: [
    new BaggageSpanProcessor(),
    new BatchSpanProcessor({ exporter: new RetryingSpanExporter(new OTLPHttpSpanExporter()), scheduledDelayMillis: 200 }),
  ],
});
// OpenTelemetry JS 3's TracerProvider has no register(): context across async calls, the edge's
// propagator (baggage keys read in the one canonical form the edge judges claims on) and the
// provider are set globally here.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CPropagator());
trace.setGlobalTracerProvider(provider);
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health' })],
});
// ESM imports of node:http share this object: requiring it lets the instrumentation patch it.
createRequire(import.meta.url)('node:http');
