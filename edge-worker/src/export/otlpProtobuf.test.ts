import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, trace, type SpanContext } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { createEdgeTracing } from '../tracing/edgeTracing.js';
import { W3CTraceState } from '@journeytrace/contract/propagation';
import { decodeOtlpProtobuf } from '../relay/decodeOtlpProtobuf.js';
import { browserSpans } from '@journeytrace/tooling/fixtures/testSpans.js';
import { encodeTraceExportRequest } from './otlpProtobuf.js';

type EdgeTracer = ReturnType<typeof createEdgeTracing>['tracer'];

/** Ended edge spans, as the edge's exporter receives them. */
async function edgeSpans(build: (tracer: EdgeTracer) => void): Promise<ReadableSpan[]> {
  const ended: ReadableSpan[] = [];
  const tracing = createEdgeTracing({
    serviceName: 'edge-worker',
    exporter: {
      export: (spans, done) => {
        ended.push(...spans);
        done({ code: 0 });
      },
      shutdown: async () => {},
    },
  });
  build(tracing.tracer);
  await tracing.forceFlush();
  return ended;
}

/** A span whose parent came over the wire (tracestate and the is-remote flag travel with it). */
const childOfRemote = (tracer: EdgeTracer, parent: SpanContext) => tracer.startSpan('continued', { kind: 1 }, trace.setSpanContext(ROOT_CONTEXT, parent));

const sameBytes = (spans: ReadableSpan[]) =>
  assert.deepEqual(Buffer.from(encodeTraceExportRequest(spans)), Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!));

describe('encodeTraceExportRequest', () => {
  it('writes the bytes otlp-transformer writes for a checkout request (SERVER and CLIENT spans)', async () => {
    const spans = await edgeSpans((tracer) => {
      const server = tracer.startSpan('POST /api/checkout', {
        kind: 1,
        attributes: { 'http.request.method': 'POST', 'url.path': '/api/checkout', 'user.tier': 'premium' },
      });
      const client = tracer.startSpan('POST', { kind: 2, attributes: { 'url.full': 'http://origin.test/checkout', 'server.port': 8443 } });
      client.setAttribute('http.response.status_code', 200);
      client.end();
      server.setAttribute('http.response.status_code', 200);
      server.end();
    });
    assert.equal(spans.length, 2);
    sameBytes(spans);
  });

  it('writes every value type, unicode, events, links, tracestate and an error status as otlp-transformer does', async () => {
    const spans = await edgeSpans((tracer) => {
      const parent: SpanContext = {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: 1,
        isRemote: true,
        traceState: new W3CTraceState([['vendor', 'opaque']]),
      };
      const span = tracer.startSpan(
        'prüfen ✓',
        {
          kind: 4,
          attributes: {
            negative: -5,
            large: 2 ** 40,
            'large.negative': -(2 ** 40) - 3,
            'min.safe': Number.MIN_SAFE_INTEGER,
            double: 1.5,
            nan: NaN,
            infinity: -Infinity,
            strings: ['a', 'ß', ''],
            numbers: [1, 2.5],
            booleans: [true, false],
            flag: false,
            empty: '',
            long: 'x'.repeat(20_000),
            emoji: '🛒 checkout',
          },
          links: [{ context: { ...parent, isRemote: false }, attributes: { 'messaging.batch.message_count': 3 } }],
        },
        undefined,
      );
      span.addEvent('retry', { attempt: 2 });
      span.recordException(new TypeError('bad ✗ input'));
      span.setStatus({ code: 2, message: 'payment declined' });
      span.end();
      childOfRemote(tracer, parent).end();
    });
    assert.equal(spans.length, 2);
    sameBytes(spans);
  });

  it('groups spans of several resources and scopes as otlp-transformer does, SDK spans included', async () => {
    const browser = await browserSpans();
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'origin' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
    });
    provider.getTracer('a').startSpan('one').end();
    provider.getTracer('b', '2.0.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }).startSpan('two').end();
    provider.getTracer('a').startSpan('three').end();
    sameBytes([...browser, ...memory.getFinishedSpans()]);
  });

  it('grows its buffer for a large batch, and the next batch still comes out right', async () => {
    const many = await edgeSpans((tracer) => {
      for (let i = 0; i < 3000; i++) tracer.startSpan(`span ${i}`, { attributes: { 'url.full': `http://origin.test/items/${i}`, index: i } }).end();
    });
    const body = encodeTraceExportRequest(many);
    assert.ok(body.length > 256 * 1024, `a batch past the initial buffer (${body.length} bytes)`);
    sameBytes(many);
    sameBytes(many.slice(0, 2));
  });

  it('is read back by the relay’s strict decoder: ids, nanosecond times, kind and attributes', async () => {
    const [span] = await edgeSpans((tracer) => {
      tracer
        .startSpan('GET /api/items/:id', { kind: 1, startTime: 1_700_000_000_123, attributes: { 'http.response.status_code': 404 } })
        .end(1_700_000_000_456);
    });
    const decoded = decodeOtlpProtobuf(encodeTraceExportRequest([span!]));
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
    const [resourceSpans] = decoded.request.resourceSpans;
    const written = resourceSpans!.scopeSpans[0]!.spans[0]!;
    assert.equal(written.traceId, span!.spanContext().traceId);
    assert.equal(written.spanId, span!.spanContext().spanId);
    assert.equal(written.name, 'GET /api/items/:id');
    assert.equal(written.kind, 2); // OTLP SERVER
    assert.equal(String(written.startTimeUnixNano), '1700000000123000000');
    assert.equal(String(written.endTimeUnixNano), '1700000000456000000');
    assert.deepEqual(written.attributes, [{ key: 'http.response.status_code', value: { intValue: '404' } }]);
    assert.deepEqual(resourceSpans!.resource?.attributes.find((attribute) => attribute.key === 'service.name')?.value, { stringValue: 'edge-worker' });
  });
});
