import { INVALID_SPAN_CONTEXT, type Context, type Span, type SpanContext, type SpanOptions, type Tracer } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { SPAN_KIND, TRACE_FLAGS, traceApi } from './api.js';
import { EdgeSpan, type EdgeSpanScope } from './EdgeSpan.js';
import { activeContext, withActiveContext } from '../context/activeContext.js';
import { createSampler, type EdgeSampler } from './sampler.js';

/** A span that records nothing and carries no trace (tracing suppressed or disabled). */
export const NON_RECORDING_SPAN: Span = traceApi.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * The edge's tracer: sdk-trace-base's `Tracer` with the environment's samplers (by default
 * parent-based, always on; see `sampler.ts`) and random ids, making {@link EdgeSpan}s. A request
 * at the edge makes two spans and may cost no more than a tenth of the untraced request, so the
 * general SDK's per-span machinery (sampler objects and results, id generators, span metrics,
 * time conversions) is left out; what reaches the span processors and exporters is the same.
 */
export class EdgeTracer implements Tracer {
  constructor(
    private readonly _scope: EdgeSpanScope,
    private readonly _sampler: EdgeSampler = createSampler(),
  ) {}

  startSpan(name: string, options: SpanOptions = {}, context: Context = activeContext()): Span {
    if (isTracingSuppressed(context)) return NON_RECORDING_SPAN;
    const parentSpan = options.root ? undefined : traceApi.getSpan(context);
    const parent = parentSpan?.spanContext();
    // A parent this tracer made is valid by construction (its ids came from randomHex or from a
    // validated parent): only other spans' contexts are checked.
    const validParent = parent && (parentSpan instanceof EdgeSpan || traceApi.isSpanContextValid(parent)) ? parent : undefined;
    const spanId = randomHex(2);
    const traceId = validParent ? validParent.traceId : randomHex(4);
    const sampled = validParent && this._sampler.followsParent ? (validParent.traceFlags & TRACE_FLAGS.SAMPLED) !== 0 : this._sampler.sample(traceId);
    if (!sampled) {
      // Not recorded, only propagated: the trace id (and tracestate) travel on unsampled, so the
      // services after the edge, sampling by their parent, do not record it either.
      return traceApi.wrapSpanContext({ traceId, spanId, traceFlags: TRACE_FLAGS.NONE, traceState: validParent?.traceState });
    }
    const spanContext: SpanContext = { traceId, spanId, traceFlags: TRACE_FLAGS.SAMPLED, traceState: validParent?.traceState };
    const span = new EdgeSpan(
      this._scope,
      spanContext,
      name,
      options.kind ?? SPAN_KIND.INTERNAL,
      validParent,
      options.attributes,
      options.links,
      options.startTime,
    );
    for (const processor of this._scope.processors) processor.onStart(span, context);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: unknown[]): ReturnType<F> {
    const fn = rest.pop() as F;
    const [options, parentContext = activeContext()] = rest as [SpanOptions | undefined, Context | undefined];
    const span = this.startSpan(name, options, parentContext);
    return withActiveContext(traceApi.setSpan(parentContext, span), () => fn(span) as ReturnType<F>);
  }
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** `words` random 32-bit words as lowercase hex, never all zero (an invalid id). */
function randomHex(words: number): string {
  for (;;) {
    let id = '';
    let any = 0;
    for (let i = 0; i < words; i += 1) {
      const word = (Math.random() * 0x1_0000_0000) >>> 0;
      any |= word;
      // biome-ignore lint/style/noNonNullAssertion: each index is one byte (0..255) of a 256-entry table; the span-id hot path.
      id += HEX_BYTES[word >>> 24]! + HEX_BYTES[(word >>> 16) & 0xff]! + HEX_BYTES[(word >>> 8) & 0xff]! + HEX_BYTES[word & 0xff]!;
    }
    if (any !== 0) return id;
  }
}
