/**
 * @module
 * Trace middleware for Hono on Cloudflare Workers.
 */
import { diag, type Attributes, type Context as OtelContext, type Span } from '@opentelemetry/api';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import { createTracedFetch, propagateToOrigins, type PropagateTo } from '../../fetch/tracedFetch.js';
import { globalFetch } from '../../fetch/globalFetch.js';
import { headersGetter, recordSetter } from '../../fetch/headersCarrier.js';
import { W3CPropagator, formatTraceParent, injectedTraceParent, withRandomTraceId } from '@journeytrace/contract/propagation';
import { ATTR_USER_TIER } from '@journeytrace/contract';
import { withVerifiedUser } from '../../baggage/verifiedClaims.js';
import { injectTraceparentMeta } from './htmlMeta.js';
import { propagationApi, SPAN_KIND, SPAN_STATUS_CODE, traceApi } from '../../tracer/api.js';
import { withActiveContext } from '../../context/activeContext.js';
import { EdgeContext } from '../../context/EdgeContext.js';
import type { VerifyUser } from '../../session/sessionTokenVerifier.js';
import type { MetricAttributes } from '@journeytrace/contract/metrics';
import type { EdgeTracing } from '../../tracing/edgeTracing.js';
import { tracingFromEnv, type TracingBindings } from '../../otelEnv/tracingFromEnv.js';
import { NON_RECORDING_SPAN } from '../../tracer/EdgeTracer.js';
import { sdkDisabled } from '../../otelEnv/otelSwitches.js';
import { installDiagLoggerFromEnv } from '../../otelEnv/diagFromEnv.js';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_JOURNEYTRACE_BAGGAGE_VERIFIED,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '../../semconv.js';

/**
 * The bindings the middleware reads when an option is not given (`OTEL_*` names:
 * `OTEL_SERVICE_NAME`, `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_{TRACES,METRICS}_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_LOG_LEVEL`, and the `OTEL_SDK_DISABLED` and `OTEL_METRICS_EXPORTER` switches).
 */
export interface TraceBindings extends TracingBindings {
  /** Comma-separated origins that receive trace headers and baggage from `c.var.tracedFetch`. */
  JOURNEYTRACE_PROPAGATE_TO?: string;
}

export interface TraceVariables {
  /** `fetch` with a CLIENT span and context injected into allow-listed origins. */
  tracedFetch: typeof fetch;
  /** The request's SERVER span. */
  span: Span;
}

/**
 * Options of {@link trace}. `Bindings` is the worker's own bindings type (its `Env`, e.g. from
 * `wrangler types`), which `verifyUser` and the options function are typed with.
 */
export interface TraceOptions<Bindings extends object = TraceBindings> {
  /** Default: `OTEL_SERVICE_NAME`, else `edge-worker`. */
  serviceName?: string;
  /** Origins (or a predicate) that may receive trace headers. Default: `JOURNEYTRACE_PROPAGATE_TO`. */
  propagateTo?: readonly string[] | PropagateTo;
  /** Baggage keys promoted to span attributes. Default: `session.id`, `user.tier`, `enduser.id`. */
  promotedBaggageKeys?: readonly string[];
  /** Bring your own tracing (tests, or several apps sharing one pipeline). */
  tracing?: EdgeTracing;
  /**
   * Verifies who the user is (e.g. {@link sessionTokenVerifier}). When given, the claimed
   * baggage keys are overwritten with verified values or dropped, before the SERVER span
   * starts and before anything is propagated, and the span gets `journeytrace.baggage.verified`.
   * Default: none (claims pass through unmarked).
   */
  verifyUser?: VerifyUser<Bindings>;
  /** Baggage keys that are claims about the user. Default: `user.tier`, `enduser.id`. */
  claimedBaggageKeys?: readonly string[];
}

/** The Hono environment the middleware runs in: the app's bindings, and the variables it sets. */
type TraceEnv<Bindings extends object> = { Bindings: Bindings; Variables: TraceVariables };
/** What the helpers below read of a request's context, whatever the app's bindings. */
type Env = TraceEnv<object>;

/**
 * Continues the caller's trace (W3C traceparent, tracestate, baggage) in a SERVER span named
 * after the route template, gives handlers `c.var.tracedFetch`, adds `Server-Timing:
 * traceparent` to the response, and flushes spans in `waitUntil` after responding.
 *
 * A missing or malformed traceparent starts a new trace; telemetry never fails the request.
 * With the `OTEL_SDK_DISABLED=true` binding, requests pass through untouched.
 *
 * Typed with the worker's own bindings (`Bindings`, e.g. the `Env` of `wrangler types`): inferred
 * from `verifyUser` or an annotated options function, or given as `trace<Env>(...)`. The
 * `OTEL_*` names it declares must be strings.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Bindings: Env; Variables: TraceVariables }>()
 * app.use(cors({ origin: 'https://shop.example', allowHeaders: TRACE_HEADERS }))
 * app.use(trace<Env>((env) => ({ serviceName: 'edge', propagateTo: [env.API_ORIGIN] })))
 * app.get('/api/checkout', (c) => c.var.tracedFetch('https://api.example/checkout'))
 * ```
 */
export function trace<Bindings extends object & TraceBindings = TraceBindings>(
  options: TraceOptions<Bindings> | ((env: Bindings) => TraceOptions<Bindings>) = {},
): MiddlewareHandler<TraceEnv<Bindings>> {
  // Options, tracing and the traced fetch depend on the bindings only: resolve them once per
  // bindings object (one per isolate on Workers), not on every request.
  const resolvedByEnv = new WeakMap<Bindings, ReturnType<typeof resolveEnabled> | typeof DISABLED>();
  // The last bindings and their resolution: on Workers every request of the isolate brings the
  // same bindings object, so the WeakMap is asked only when it changes.
  let lastEnv: Bindings | undefined;
  let lastEntry: ReturnType<typeof resolveEnabled> | typeof DISABLED | undefined;
  const resolveFor = (env: Bindings) => {
    if (env === lastEnv && lastEntry) return lastEntry;
    let entry = resolvedByEnv.get(env);
    if (!entry) {
      installDiagLoggerFromEnv(env);
      entry = sdkDisabled(env) ? DISABLED : resolveEnabled(env);
      resolvedByEnv.set(env, entry);
    }
    lastEnv = env;
    lastEntry = entry;
    return entry;
  };
  const resolveEnabled = (env: Bindings) => {
    const resolved = typeof options === 'function' ? options(env) : options;
    const tracing =
      resolved.tracing ?? tracingFromEnv(env, 'edge-worker', { serviceName: resolved.serviceName, promotedBaggageKeys: resolved.promotedBaggageKeys });
    const propagateTo = toPredicate(resolved.propagateTo ?? splitList(env.JOURNEYTRACE_PROPAGATE_TO));
    return { resolved, tracing, tracedFetch: createTracedFetch(tracing, propagateTo) };
  };
  // app.request() in tests passes no bindings: read them as none set.
  const noBindings = {} as Bindings;

  return createMiddleware<TraceEnv<Bindings>>(async function trace(c, next) {
    const env: Bindings = c.env ?? noBindings;
    const entry = resolveFor(env);
    if (entry === DISABLED) {
      // OTEL_SDK_DISABLED: the request passes through untouched (no spans, headers or metrics).
      c.set('span', NON_RECORDING_SPAN);
      c.set('tracedFetch', globalFetch);
      return next();
    }
    const { resolved, tracing, tracedFetch } = entry;
    const startedMillis = Date.now();

    const request = c.req.raw;
    let parent = tracing.propagator.extract(EdgeContext.ROOT, request.headers, headersGetter);
    // Each read of a request property is a call into the runtime: read the method once.
    const method = request.method;
    const attributes: Attributes = requestAttributes(request, method);
    if (resolved.verifyUser) {
      const user = await verifyQuietly(resolved.verifyUser, request, env);
      parent = withVerifiedUser(parent, user, resolved.claimedBaggageKeys);
      attributes[ATTR_JOURNEYTRACE_BAGGAGE_VERIFIED] = user !== null;
    }
    const span = tracing.tracer.startSpan(method, { kind: SPAN_KIND.SERVER, attributes }, parent);
    const active = markRandomTraceId(parent, traceApi.setSpan(parent, span), span);
    c.set('span', span);
    c.set('tracedFetch', tracedFetch);

    tracing.requestStarted();
    try {
      await withActiveContext(active, next);
    } catch (error) {
      recordError(span, error);
      throw error;
    } finally {
      try {
        const route = matchedRoute(c);
        // Read once: each read of the response's status is a call into the runtime.
        const status = c.res.status;
        endServerSpan(c, span, method, route, status, serverTraceparent(tracing, active, span));
        recordServerDuration(c, tracing, span, method, route, status, parent, startedMillis);
      } finally {
        // Always paired with requestStarted: the isolate's buffer counts requests in flight.
        flushAfterResponse(c, tracing);
      }
    }
  });
}

/** The resolution of a worker whose bindings say `OTEL_SDK_DISABLED=true`. */
const DISABLED = Symbol('disabled');

/** A verifier that fails verifies no one: telemetry never fails the request. */
async function verifyQuietly<Bindings>(verifyUser: VerifyUser<Bindings>, request: Request, env: Bindings) {
  try {
    return await verifyUser(request, env);
  } catch (error) {
    diag.warn(`journeytrace: user verification failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** A trace the edge starts gets ids from the SDK's random generator: say so with the Level 2 random flag. */
function markRandomTraceId(parent: OtelContext, active: OtelContext, span: Span): OtelContext {
  return traceApi.getSpanContext(parent) ? active : withRandomTraceId(active, span.spanContext().traceId);
}

function requestAttributes(request: Request, method: string): Attributes {
  const url = request.url;
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_PATH]: pathOf(url),
    [ATTR_URL_SCHEME]: url.slice(0, url.indexOf(':')),
  };
  const userAgent = request.headers.get('user-agent');
  if (userAgent) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  const clientAddress = request.headers.get('cf-connecting-ip');
  if (clientAddress) attributes[ATTR_CLIENT_ADDRESS] = clientAddress;
  return attributes;
}

/**
 * The path of a request URL as `URL.pathname` gives it (still percent-encoded), read from the
 * string: the runtime hands over request URLs already parsed and normalized, and a second
 * parse per request costs more than the span itself.
 */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  let end = url.length;
  for (let i = start; i < url.length; i += 1) {
    const code = url.charCodeAt(i);
    if (code === 63 /* ? */ || code === 35 /* # */) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}

/** The route template that answered (`/api/items/:id`), or undefined when only middleware matched. */
function matchedRoute<E extends Env>(c: Context<E>): string | undefined {
  const route = routePath(c, -1);
  return route && route !== '*' && route !== '/*' ? route : undefined;
}

function endServerSpan<E extends Env>(c: Context<E>, span: Span, method: string, route: string | undefined, status: number, traceparent: string): void {
  if (route) {
    span.setAttribute(ATTR_HTTP_ROUTE, route);
    span.updateName(`${method} ${route}`);
  }
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (c.error) recordError(span, c.error);
  else if (status >= 500) {
    span.setAttribute(ATTR_ERROR_TYPE, String(status));
    span.setStatus({ code: SPAN_STATUS_CODE.ERROR });
  }
  linkResponse(c, traceparent);
  span.end();
}

/**
 * Lets the browser link its spans and the document load to this trace: `Server-Timing` on
 * every response, and `<meta name="traceparent">` in HTML.
 */
function linkResponse<E extends Env>(c: Context<E>, traceparent: string): void {
  let response = injectTraceparentMeta(c.res, traceparent);
  try {
    response.headers.append('server-timing', `traceparent;desc="${traceparent}"`);
  } catch {
    // Immutable headers (a response passed through from fetch): copy it to add ours.
    response = new Response(response.body, response);
    response.headers.append('server-timing', `traceparent;desc="${traceparent}"`);
  }
  if (response !== c.res) c.res = response;
}

/** The SERVER span's own traceparent as the propagator writes it (random flag included). */
function serverTraceparent(tracing: EdgeTracing, active: OtelContext, span: Span): string {
  // Ours writes it without serializing tracestate and baggage; another propagator is asked.
  if (tracing.propagator instanceof W3CPropagator) {
    const traceparent = injectedTraceParent(active);
    if (traceparent) return traceparent;
  }
  const carrier: Record<string, string> = {};
  tracing.propagator.inject(active, carrier, recordSetter);
  const { traceId, spanId, traceFlags } = span.spanContext();
  return carrier.traceparent ?? formatTraceParent(traceId, spanId, traceFlags);
}

/** `http.server.request.duration`, with this request's span as the exemplar. */
function recordServerDuration<E extends Env>(
  c: Context<E>,
  tracing: EdgeTracing,
  span: Span,
  method: string,
  route: string | undefined,
  status: number,
  parent: OtelContext,
  startedMillis: number,
): void {
  if (!tracing.metrics) return;
  const attributes: MetricAttributes = { [ATTR_HTTP_REQUEST_METHOD]: method };
  if (route) attributes[ATTR_HTTP_ROUTE] = route;
  attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  tracing.metrics.recordServer({
    durationSeconds: (Date.now() - startedMillis) / 1000,
    attributes,
    spanContext: span.spanContext(),
    error: status >= 500 || c.error !== undefined,
    // After verification: a forged tier does not make its exemplar preferred.
    tier: propagationApi.getBaggage(parent)?.getEntry(ATTR_USER_TIER)?.value,
  });
}

function recordError(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  span.recordException(err);
  span.setAttribute(ATTR_ERROR_TYPE, err.name);
  span.setStatus({ code: SPAN_STATUS_CODE.ERROR, message: err.message });
}

/** Ends the request for the isolate's span buffer, which decides whether its spans go now. */
function flushAfterResponse<E extends Env>(c: Context<E>, tracing: EdgeTracing): void {
  const flushed = tracing.requestEnded();
  if (!flushed) return;
  try {
    c.executionCtx.waitUntil(flushed.catch(() => {}));
  } catch {
    // No ExecutionContext (e.g. app.request() in tests): the flush still runs on its own.
  }
}

function toPredicate(propagateTo: readonly string[] | PropagateTo): PropagateTo {
  return typeof propagateTo === 'function' ? propagateTo : propagateToOrigins(propagateTo);
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
