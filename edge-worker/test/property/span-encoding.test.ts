/**
 * Property test of the edge's span encoder: for 20,000 random batches of spans (names and
 * attributes in any Unicode, every attribute value type, events, links, statuses, times), its
 * protobuf is byte for byte what @opentelemetry/otlp-transformer writes for the same spans.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ROOT_CONTEXT, trace, type Attributes, type SpanContext } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { encodeTraceExportRequest } from '../../src/export/otlpProtobuf.js';
import { createEdgeTracing } from '../../src/tracing/edgeTracing.js';
import { casesRecorder } from '@journeytrace/tooling/reliability/recordCases.js';

const recordCases = casesRecorder('span-encoding');

const RUNS = 20_000;
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ minLength: 100, maxLength: 300 }));
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const number = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double(), fc.constantFrom(2 ** 53, -(2 ** 63), 2 ** 63, NaN, Infinity, -0));
const value = fc.oneof(
  text,
  number,
  fc.boolean(),
  fc.array(text, { maxLength: 4 }),
  fc.array(number, { maxLength: 4 }),
  fc.array(fc.boolean(), { maxLength: 4 }),
);
const attributes: fc.Arbitrary<Attributes> = fc.dictionary(fc.string({ minLength: 1, maxLength: 30 }), value, { maxKeys: 12 });
/** Sampled (only sampled spans are exported), with any other flag bits. */
const spanContext: fc.Arbitrary<SpanContext> = fc.record({
  traceId: hex(32),
  spanId: hex(16),
  traceFlags: fc.integer({ min: 0, max: 255 }).map((flags) => flags | 1),
  isRemote: fc.boolean(),
});

const spanSpec = fc.record({
  name: text,
  kind: fc.integer({ min: 0, max: 4 }),
  startMillis: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  durationMillis: fc.oneof(fc.nat({ max: 100_000 }), fc.double({ min: 0, max: 1000, noNaN: true })),
  attributes,
  parent: fc.option(spanContext, { nil: undefined }),
  links: fc.array(fc.record({ context: spanContext, attributes: fc.option(attributes, { nil: undefined }) }), { maxLength: 2 }),
  events: fc.array(fc.record({ name: text, attributes }), { maxLength: 2 }),
  status: fc.option(fc.record({ code: fc.constantFrom(1, 2), message: fc.option(text, { nil: undefined }) }), { nil: undefined }),
});

describe('edge span encoding', () => {
  it('writes the bytes otlp-transformer writes, for random spans', async (t) => {
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
    await fc.assert(
      fc.asyncProperty(fc.array(spanSpec, { minLength: 1, maxLength: 4 }), async (specs) => {
        ended.length = 0;
        for (const spec of specs) {
          const parent = spec.parent ? trace.setSpanContext(ROOT_CONTEXT, spec.parent) : ROOT_CONTEXT;
          const span = tracing.tracer.startSpan(
            spec.name,
            { kind: spec.kind, attributes: spec.attributes, links: spec.links, startTime: spec.startMillis },
            parent,
          );
          for (const event of spec.events) span.addEvent(event.name, event.attributes, spec.startMillis);
          if (spec.status) span.setStatus(spec.status);
          span.end(spec.startMillis + spec.durationMillis);
        }
        await tracing.forceFlush();
        assert.equal(ended.length, specs.length);
        assert.deepEqual(Buffer.from(encodeTraceExportRequest(ended)), Buffer.from(ProtobufTraceSerializer.serializeRequest(ended)!));
      }),
      { numRuns: RUNS },
    );
    recordCases(t.name, RUNS);
  });
});
