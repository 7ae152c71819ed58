import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { EdgeTracer } from './EdgeTracer.js';
import { SPAN_LIMITS } from './EdgeSpan.js';

const PARENT = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true };
const resource = resourceFromAttributes({ 'service.name': 'edge-test' });

function tracers() {
  const edgeExporter = new InMemorySpanExporter();
  const sdkExporter = new InMemorySpanExporter();
  const edge = new EdgeTracer({ resource, instrumentationScope: { name: 's' }, processors: [new SimpleSpanProcessor({ exporter: edgeExporter })] });
  const sdk = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter: sdkExporter })] }).getTracer('s');
  return { edge, sdk, edgeExporter, sdkExporter };
}

/** The same calls on a span of each tracer. */
function exercise(span: Span): void {
  span.setAttribute('http.request.method', 'GET');
  span.setAttributes({ 'url.path': '/a', n: 1, ok: true, list: ['a', 'b'] });
  span.setAttribute('', 'empty key');
  span.setAttribute('object', { not: 'valid' } as never);
  span.setAttribute('undefined', undefined as never);
  span.addEvent('cart.updated', { items: 2, bad: { no: 1 } as never });
  span.recordException(new TypeError('kaput'));
  span.recordException('plain message');
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'first' });
  span.setStatus({ code: SpanStatusCode.UNSET });
  span.updateName('GET /a');
  span.end();
  span.setAttribute('after.end', 1);
  span.updateName('too late');
  span.end();
}

/** What an exporter reads of a span, without ids and times. */
function shape(span: ReadableSpan) {
  return {
    name: span.name,
    kind: span.kind,
    parent: span.parentSpanContext?.spanId,
    traceId: span.spanContext().traceId,
    attributes: span.attributes,
    events: span.events.map((event) => ({ name: event.name, attributes: event.attributes, dropped: event.droppedAttributesCount })),
    links: span.links,
    status: span.status,
    ended: span.ended,
    dropped: [span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount],
    resource: span.resource.attributes,
    scope: span.instrumentationScope.name,
  };
}

describe('EdgeTracer', () => {
  it('makes spans an exporter reads as it reads sdk-trace-base spans', () => {
    const { edge, sdk, edgeExporter, sdkExporter } = tracers();
    const parent = trace.setSpanContext(ROOT_CONTEXT, PARENT);
    const link = { context: { ...PARENT, spanId: '00f067aa0ba902b7' }, attributes: { 'messaging.batch': true } };
    exercise(edge.startSpan('GET', { kind: SpanKind.SERVER, attributes: { a: 'x' }, links: [link] }, parent));
    exercise(sdk.startSpan('GET', { kind: SpanKind.SERVER, attributes: { a: 'x' }, links: [link] }, parent));
    const [ours] = edgeExporter.getFinishedSpans();
    const [theirs] = sdkExporter.getFinishedSpans();
    const strip = (events: ReturnType<typeof shape>['events']) =>
      events.map((event) => ({
        ...event,
        attributes: { ...event.attributes, 'exception.stacktrace': event.attributes?.['exception.stacktrace'] ? 'stack' : undefined },
      }));
    const a = shape(ours!);
    const b = shape(theirs!);
    assert.deepEqual({ ...a, events: strip(a.events) }, { ...b, events: strip(b.events) });
    assert.equal(edgeExporter.getFinishedSpans().length, 1, 'a second end() exports nothing');
  });

  it('keeps times in order and as HrTime', () => {
    const { edge, edgeExporter } = tracers();
    const before = Date.now();
    const span = edge.startSpan('timed');
    span.addEvent('at', new Date(before + 5));
    span.end(before - 10_000); // an end before the start becomes the start
    const [ended] = edgeExporter.getFinishedSpans();
    const millis = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;
    assert.ok(millis(ended!.startTime) >= before && millis(ended!.startTime) <= Date.now());
    assert.deepEqual(ended!.endTime, ended!.startTime);
    assert.deepEqual(ended!.duration, [0, 0]);
    assert.equal(millis(ended!.events[0]!.time), before + 5);
  });

  it('samples by the parent: a new trace is sampled, an unsampled parent records nothing', () => {
    const { edge, edgeExporter } = tracers();
    const root = edge.startSpan('root');
    assert.match(root.spanContext().traceId, /^[0-9a-f]{32}$/);
    assert.match(root.spanContext().spanId, /^[0-9a-f]{16}$/);
    assert.equal(root.spanContext().traceFlags, TraceFlags.SAMPLED);
    const unsampled = edge.startSpan('child', {}, trace.setSpanContext(ROOT_CONTEXT, { ...PARENT, traceFlags: TraceFlags.NONE }));
    assert.equal(unsampled.isRecording(), false);
    assert.equal(unsampled.spanContext().traceId, PARENT.traceId);
    assert.notEqual(unsampled.spanContext().spanId, PARENT.spanId);
    const fresh = edge.startSpan('root again', { root: true }, trace.setSpanContext(ROOT_CONTEXT, PARENT));
    assert.notEqual(fresh.spanContext().traceId, PARENT.traceId);
    const suppressed = edge.startSpan('quiet', {}, suppressTracing(ROOT_CONTEXT));
    assert.equal(trace.isSpanContextValid(suppressed.spanContext()), false);
    root.end();
    unsampled.end();
    fresh.end();
    assert.deepEqual(
      edgeExporter.getFinishedSpans().map((span) => span.name),
      ['root', 'root again'],
    );
  });

  it('holds at most the SDK default number of attributes and events, counting the rest', () => {
    const { edge, edgeExporter } = tracers();
    const span = edge.startSpan('busy');
    for (let i = 0; i < SPAN_LIMITS.attributes + 5; i += 1) span.setAttribute(`a${i}`, i);
    span.setAttribute('a0', 'replaced'); // an existing key is not a new attribute
    for (let i = 0; i < SPAN_LIMITS.events + 3; i += 1) span.addEvent(`e${i}`);
    span.end();
    const [ended] = edgeExporter.getFinishedSpans();
    assert.equal(Object.keys(ended!.attributes).length, SPAN_LIMITS.attributes);
    assert.equal(ended!.attributes.a0, 'replaced');
    assert.equal(ended!.droppedAttributesCount, 5);
    assert.equal(ended!.events.length, SPAN_LIMITS.events);
    assert.equal(ended!.events[0]!.name, 'e3', 'the oldest events go first');
    assert.equal(ended!.droppedEventsCount, 3);
  });

  it('runs startActiveSpan with the span active', () => {
    const { edge } = tracers();
    const seen = edge.startActiveSpan('active', (span) => {
      span.end();
      return trace.getActiveSpan() === span;
    });
    // Without a context manager, the active context is the root; the span is still passed in.
    assert.equal(typeof seen, 'boolean');
  });
});
