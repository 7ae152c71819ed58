/**
 * The parts of @opentelemetry/api the per-request path uses, read once.
 *
 * Bundled for Workers, @opentelemetry/api is its CommonJS build: every read of one of its
 * exports (`trace`, `propagation`, ...) goes through two getter calls. Per request that adds up,
 * so the hot path reads these constants.
 */
import { propagation, trace, TraceFlags } from '@opentelemetry/api';

export const propagationApi = propagation;
export const traceApi = trace;
export const TRACE_FLAGS = TraceFlags;
