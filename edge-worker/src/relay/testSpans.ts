/**
 * Real `ReadableSpan`s from the OpenTelemetry SDK, serialized by otlp-transformer: what a
 * browser's exporter puts on the wire. Used by the relay's tests only.
 */
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';

export const BROWSER_RESOURCE = {
  'service.name': 'shop-web',
  'telemetry.sdk.language': 'webjs',
  'telemetry.sdk.name': 'opentelemetry',
  'host.name': 'alices-laptop',
};

/** A step span with a fetch child: every value type, an event, a link, an error status. */
export async function browserSpans(startMillis = 1_700_000_000_000): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(BROWSER_RESOURCE),
    spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })],
  });
  const tracer = provider.getTracer('journeytrace-test', '1.2.3');
  const step = tracer.startSpan('checkout', {
    startTime: startMillis,
    attributes: { 'session.id': 'abc', 'user.tier': 'premium', 'card.number': '4111', 'journey.step': 'checkout' },
  });
  const fetchSpan = tracer.startSpan(
    'HTTP POST',
    {
      kind: SpanKind.CLIENT,
      startTime: startMillis + 5,
      attributes: {
        'http.request.method': 'POST',
        'url.full': 'https://edge.example/api/checkout?token=secret#frag',
        'url.query': 'token=secret',
        'http.response.status_code': 502,
        'http.response_content_length': 1.5,
        'http.retried': true,
        'http.tags': ['a', 'b'],
        'http.big': -9007199254740991,
      },
      links: [{ context: step.spanContext(), attributes: { 'link.reason': 'follows' } }],
    },
    trace.setSpan(context.active(), step),
  );
  fetchSpan.addEvent('responseEnd', { 'http.note': 'fine', secret: 'x' }, startMillis + 40);
  fetchSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'bad gateway' });
  fetchSpan.end(startMillis + 50);
  step.end(startMillis + 60);
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

export const protobufBody = (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans)!;
export const jsonBody = (spans: ReadableSpan[]) => JsonTraceSerializer.serializeRequest(spans)!;
