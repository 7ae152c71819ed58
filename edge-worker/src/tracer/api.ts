/**
 * The parts of @opentelemetry/api the per-request path uses, read once.
 *
 * Bundled for Workers, @opentelemetry/api is its CommonJS build: every read of one of its
 * exports (`trace`, `context`, `SpanKind`, ...) goes through two getter calls. Per request that
 * adds up to more than some of the tracing itself, so the hot path reads these constants.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';

export const contextApi = context;
export const propagationApi = propagation;
export const traceApi = trace;
export const SPAN_KIND = SpanKind;
export const SPAN_STATUS_CODE = SpanStatusCode;
export const TRACE_FLAGS = TraceFlags;
