/**
 * @module
 * journeytrace for the edge: continue the browser's journey trace in a Hono worker.
 *
 * The main entry holds what a worker needs: the middleware and its CORS helper, the tracing the
 * other handlers share, and the session verifier. The relay, queue, bindings, metrics,
 * propagation and log helpers have their own entries (`@journeytrace/edge/relay`, ...); the rest
 * is internal. `index.test.ts` checks this list against the README's.
 */
export { trace, type TraceBindings, type TraceOptions, type TraceVariables } from './middleware/trace/index.js';
export { traceCors, TRACE_HEADERS, type TraceCorsOptions } from './middleware/cors/index.js';
export { createTracedFetch, propagateToOrigins, type PropagateTo } from './fetch/tracedFetch.js';
export { createEdgeTracing, type EdgeTracing, type EdgeTracingConfig } from './tracing/edgeTracing.js';
export { tracingFromEnv, type TracingBindings } from './otelEnv/tracingFromEnv.js';
export type { SamplerConfig, SamplerName } from './tracer/sampler.js';
export {
  signSessionToken,
  verifySessionToken,
  sessionTokenVerifier,
  type SessionClaims,
  type SignSessionOptions,
  type SessionTokenVerifierOptions,
  type VerifyUser,
} from './session/index.js';
export type { VerifiedUser } from './baggage/verifiedClaims.js';
