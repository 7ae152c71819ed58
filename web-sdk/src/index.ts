/**
 * @module
 * journeytrace for the browser: a user's journey as one OpenTelemetry trace, carried to the
 * edge and origin with W3C trace context and baggage (`session.id`, `user.tier`, `enduser.id`).
 */
import { ROOT_CONTEXT, SpanStatusCode, context, diag, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { JourneyBaggagePropagator } from './baggage/JourneyBaggagePropagator.js';
import { resolveConfig, type JourneyTraceEnv, type JourneyTraceOptions, type JourneyUser } from './config/options.js';
import { StepContextManager } from './context/StepContextManager.js';
import { captureErrors } from './errors/captureErrors.js';
import { JourneySpanProcessor } from './export/JourneySpanProcessor.js';
import { OtlpHttpTransport } from './export/OtlpHttpTransport.js';
import { onDocumentLoad } from './journey/documentLoad.js';
import { onInteraction } from './journey/interactions.js';
import { onRouteChange } from './journey/routeChanges.js';
import { runStep, type JourneyStep } from './journey/step.js';
import { onWebVitals } from './journey/webVitals.js';
import { originPattern } from './propagation/originPattern.js';
import { rateFor, isSessionSampled, SessionSampler } from './sampling/SessionSampler.js';
import { ATTR_ENDUSER_ID, ATTR_SESSION_ID, ATTR_SESSION_PREVIOUS_ID, ATTR_USER_TIER } from './semconv.js';
import { JourneySession } from './session/session.js';
import { SessionSpanProcessor } from './session/SessionSpanProcessor.js';

export type { JourneyTraceEnv, JourneyTraceOptions, JourneyUser } from './config/options.js';
export type { JourneyStep } from './journey/step.js';
export type { CurrentIds, LogRecord } from './logging/log.js';
export { BAGGAGE_KEYS, type BaggageKey } from './baggage/journeyBaggage.js';
export { currentIds, log } from './logging/log.js';

/** The handle `init` returns. */
export interface JourneyTrace {
  /** The current session id (32 hex), stamped on every span and sent as baggage `session.id`. */
  readonly sessionId: string;
  /** Whether the current session is traced (head sampling, decided once per session and tier). */
  readonly sampled: boolean;
  /** Spans lost so far: export queue full, refused by the endpoint, or failed every retry. */
  readonly droppedSpans: number;
  /** Sets (or clears, with `{}`) the user carried in baggage from now on. */
  setUser(user: JourneyUser): void;
  /**
   * Runs `fn` as a named journey step: an active span whose fetches (after any number of native
   * awaits, in timers and handlers it starts) are its children.
   */
  step<T>(name: string, fn: (step: JourneyStep) => Promise<T> | T): Promise<T>;
  /** Sends every ended span now. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops tracing and removes every listener. */
  shutdown(): Promise<void>;
}

/**
 * Starts journey tracing for this page. Never throws for bad options: each is reported through
 * `diag` and replaced by its default.
 *
 * @example
 * ```ts
 * const journey = init({ serviceName: 'shop-web', relayUrl: 'https://edge.shop.example', propagateTo: ['https://edge.shop.example'] })
 * journey.setUser({ tier: 'premium' })
 * await journey.step('checkout', () => fetch('https://edge.shop.example/api/checkout', { method: 'POST' }))
 * ```
 * @see https://www.w3.org/TR/trace-context/ and https://www.w3.org/TR/baggage/
 */
export function init(options: JourneyTraceOptions & JourneyTraceEnv = {}): JourneyTrace {
  const config = resolveConfig(options, (message) => diag.warn(message), globalThis.location?.origin);
  // Taken before instrumentation-fetch wraps fetch: the exporter's requests are never traced.
  const nativeFetch = globalThis.fetch;
  let user: JourneyUser = config.user;
  let tracer: Tracer | undefined;

  const session = new JourneySession(options.storage ?? localStorageOrUndefined(), config.session, options.now ?? Date.now, (_started, previousId) => {
    // Synchronously: a rotation noticed while the page unloads must be flushed with it.
    const attributes = previousId ? { [ATTR_SESSION_PREVIOUS_ID]: previousId } : {};
    tracer?.startSpan('session.start', { attributes }, ROOT_CONTEXT).end();
  });
  const journeyValues = () => ({ [ATTR_SESSION_ID]: session.current().id, [ATTR_USER_TIER]: user.tier, [ATTR_ENDUSER_ID]: user.id });

  const processor = new JourneySpanProcessor(
    new OtlpHttpTransport({
      url: config.tracesUrl,
      sendClockReading: config.relay,
      compression: config.compression,
      fetch: nativeFetch,
      now: options.now ?? Date.now,
      maxAttempts: 5,
      initialBackoffMillis: 1000,
      maxBackoffMillis: 30_000,
    }),
    config.batch,
  );
  const sampling = { sampleRate: config.sampleRate, sampleRateByTier: config.sampleRateByTier };
  const provider = new WebTracerProvider({
    // Merge, not replace: the default resource carries telemetry.sdk.language=webjs.
    resource: defaultResource().merge(resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName })),
    sampler: new SessionSampler(() => ({ sessionId: session.current().id, tier: user.tier }), sampling),
    spanProcessors: [new SessionSpanProcessor(journeyValues), processor],
  });
  const contextManager = new StepContextManager(options.contextManager);
  provider.register({
    contextManager,
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new JourneyBaggagePropagator(journeyValues)] }),
  });
  const disableInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new FetchInstrumentation({
        propagateTraceHeaderCorsUrls: config.propagateTo.flatMap((entry) => {
          const pattern = originPattern(entry);
          if (!pattern) diag.warn(`journeytrace: propagateTo entry ${String(entry)} is not a URL; ignored`);
          return pattern ? [pattern] : [];
        }),
        ignoreUrls: [config.tracesUrl],
        clearTimingResources: true,
        // Stock instrumentation marks HTTP >= 400 as ERROR but not a fetch that never got a response.
        applyCustomAttributesOnSpan: (span, _request, result) => {
          if (!(result instanceof Response) || result.type === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: result instanceof Response ? 'network error' : result.message });
        },
      }),
    ],
  });
  tracer = provider.getTracer('journeytrace');
  const activeTracer = tracer;

  // Spans a page leaving now would lose: ended on pagehide so they are flushed with the rest.
  const open = new Set<Span>();
  const hold = (held: Context) => {
    const release = contextManager.hold(held);
    const span = trace.getSpan(held);
    if (span) open.add(span);
    return () => {
      release();
      if (span) open.delete(span);
    };
  };

  const stops: Array<() => void> = [];
  const listen = (target: EventTarget, type: string, listener: () => void) => {
    target.addEventListener(type, listener);
    stops.push(() => target.removeEventListener(type, listener));
  };
  if (config.features.errors) stops.push(captureErrors(activeTracer));
  if (config.features.interactions) stops.push(onInteraction(activeTracer, hold));
  if (config.features.routeChanges) stops.push(onRouteChange(activeTracer, hold));
  let pageContext: Context | undefined;
  if (config.features.documentLoad) onDocumentLoad(activeTracer, (loaded) => (pageContext = loaded));
  if (config.features.webVitals) onWebVitals(activeTracer, () => pageContext);
  // After web-vitals, whose reports on hide must be queued before the flush.
  listen(globalThis, 'pagehide', () => {
    for (const span of open) span.end();
    open.clear();
    processor.flushOnHide();
  });
  listen(document, 'visibilitychange', () => {
    if (document.visibilityState === 'hidden') processor.flushOnHide();
  });

  return {
    get sessionId() {
      return session.current().id;
    },
    get sampled() {
      return isSessionSampled(session.current().id, rateFor(user.tier, sampling));
    },
    get droppedSpans() {
      return processor.droppedSpans;
    },
    setUser(next) {
      user = { ...next };
    },
    step(name, fn) {
      return runStep(activeTracer, context.active(), hold, name, fn);
    },
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      for (const stop of stops.splice(0)) stop();
      disableInstrumentations();
      await provider.shutdown();
      contextManager.disable();
    },
  };
}

function localStorageOrUndefined(): Storage | undefined {
  try {
    return globalThis.localStorage; // Throws in some sandboxed frames.
  } catch {
    return undefined;
  }
}
