import {
  baggageEntryMetadataFromString,
  createContextKey,
  type Baggage,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  type TraceState,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { propagationApi, traceApi } from '../api.js';
import { parseBaggage, serializeBaggage, type BaggageMember } from './baggage.js';
import { BAGGAGE_HEADER, TRACE_FLAG_RANDOM, TRACE_PARENT_HEADER, TRACE_STATE_HEADER } from '../w3c/limits.js';
import { formatTraceParent, isRandom, parseTraceParent } from './traceparent.js';
import { parseTraceState, W3CTraceState } from './tracestate.js';

/**
 * Remembers which trace id has a random right part, so the random flag survives the SDK's
 * child spans (the SDK keeps only the sampled bit when it makes a span context).
 */
const RANDOM_TRACE_ID_KEY = createContextKey('journeytrace: trace id with the random flag');

/**
 * A journey sends the same baggage header on every request of a session, and the edge passes on
 * the baggage it read: parse each header once and serialize each (immutable) Baggage once.
 * Bounded: the parse cache starts over when full; the serialize cache lets go with the Baggage.
 */
const PARSED_BAGGAGE_CACHE_SIZE = 256;
const PARSED_BAGGAGE_CACHE_MAX_HEADER = 1024;
const parsedBaggage = new Map<string, Baggage | null>();
const serializedBaggage = new WeakMap<Baggage, string>();

/**
 * Marks `traceId` as randomly generated in `context`: a context injected from it (for that
 * trace) carries the Level 2 random flag. Use it for traces the edge starts itself.
 */
export function withRandomTraceId(context: Context, traceId: string): Context {
  return context.setValue(RANDOM_TRACE_ID_KEY, traceId);
}

/**
 * `traceparent`, `tracestate` and `baggage` by W3C Trace Context Level 2 and W3C Baggage, in
 * one propagator. Replaces @opentelemetry/core's pair, which keeps invalid or oversized
 * tracestate lists and drops the random flag.
 *
 * Extraction never throws: an invalid traceparent leaves the context without a parent (a new
 * trace starts) and its tracestate is ignored; invalid baggage members are skipped.
 */
export class W3CPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const spanContext = traceApi.getSpanContext(context);
    if (spanContext && traceApi.isSpanContextValid(spanContext)) {
      setter.set(carrier, TRACE_PARENT_HEADER, traceParentOf(context, spanContext));
      const traceState = spanContext.traceState && limitedTraceState(spanContext.traceState);
      if (traceState) setter.set(carrier, TRACE_STATE_HEADER, traceState);
    }
    const baggage = propagationApi.getBaggage(context);
    if (baggage) {
      const header = baggageHeaderOf(baggage);
      if (header) setter.set(carrier, BAGGAGE_HEADER, header);
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let extracted = context;
    const traceParentHeader = readHeader(getter, carrier, TRACE_PARENT_HEADER);
    const parent = traceParentHeader === undefined ? null : parseTraceParent(traceParentHeader);
    if (parent) {
      const traceStateHeader = readHeader(getter, carrier, TRACE_STATE_HEADER);
      extracted = traceApi.setSpanContext(extracted, {
        traceId: parent.traceId,
        spanId: parent.parentId,
        traceFlags: parent.traceFlags,
        isRemote: true,
        traceState: traceStateHeader === undefined ? undefined : parseTraceState(traceStateHeader),
      });
      if (isRandom(parent.traceFlags)) extracted = withRandomTraceId(extracted, parent.traceId);
    }
    const baggageHeader = readHeader(getter, carrier, BAGGAGE_HEADER);
    const baggage = baggageHeader === undefined ? null : baggageOf(baggageHeader);
    return baggage ? propagationApi.setBaggage(extracted, baggage) : extracted;
  }

  fields(): string[] {
    return [TRACE_PARENT_HEADER, TRACE_STATE_HEADER, BAGGAGE_HEADER];
  }
}

/**
 * The `traceparent` this propagator would inject for the context's span (random flag included),
 * or undefined when there is no valid span or tracing is suppressed. Cheaper than `inject` when
 * only the header is needed (e.g. for `Server-Timing`): no tracestate, no baggage.
 */
export function injectedTraceParent(context: Context): string | undefined {
  if (isTracingSuppressed(context)) return undefined;
  const spanContext = traceApi.getSpanContext(context);
  return spanContext && traceApi.isSpanContextValid(spanContext) ? traceParentOf(context, spanContext) : undefined;
}

function traceParentOf(context: Context, spanContext: SpanContext): string {
  const random = isRandom(spanContext.traceFlags) || context.getValue(RANDOM_TRACE_ID_KEY) === spanContext.traceId;
  return formatTraceParent(spanContext.traceId, spanContext.spanId, spanContext.traceFlags | (random ? TRACE_FLAG_RANDOM : 0));
}

/** The Baggage a header holds (null when no member is valid), parsed once per distinct header. */
function baggageOf(header: string): Baggage | null {
  const cached = parsedBaggage.get(header);
  if (cached !== undefined) return cached;
  const members = parseBaggage(header);
  const baggage =
    members.length === 0
      ? null
      : propagationApi.createBaggage(
          Object.fromEntries(
            members.map(({ key, value, properties }) => [key, properties ? { value, metadata: baggageEntryMetadataFromString(properties) } : { value }]),
          ),
        );
  if (header.length <= PARSED_BAGGAGE_CACHE_MAX_HEADER) {
    if (parsedBaggage.size >= PARSED_BAGGAGE_CACHE_SIZE) parsedBaggage.clear();
    parsedBaggage.set(header, baggage);
  }
  return baggage;
}

/** The `baggage` header for a Baggage, serialized once per (immutable) Baggage object. */
function baggageHeaderOf(baggage: Baggage): string {
  let header = serializedBaggage.get(baggage);
  if (header === undefined) {
    const members = baggage.getAllEntries().map(
      ([key, entry]): BaggageMember => ({
        key,
        value: entry.value,
        properties: entry.metadata?.toString() || undefined,
      }),
    );
    header = serializeBaggage(members);
    serializedBaggage.set(baggage, header);
  }
  return header;
}

/** A header's value; repeated headers (arrays from Node carriers) joined as HTTP would. */
function readHeader(getter: TextMapGetter, carrier: unknown, name: string): string | undefined {
  const value = getter.get(carrier, name);
  return Array.isArray(value) ? value.join(',') : value;
}

/** Ours is valid and limited already; another implementation may be neither: re-read it through ours. */
function limitedTraceState(traceState: TraceState): string {
  if (traceState instanceof W3CTraceState) return traceState.serialize();
  return (parseTraceState(traceState.serialize()) ?? new W3CTraceState()).serialize();
}
