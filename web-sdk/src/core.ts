/**
 * @module
 * `journeytrace/core`: sessions, baggage, journey steps, fetch spans and the retrying export,
 * with no page instrumentation unless it is passed in `features`. An app that uses only `step()`
 * and fetch pays for nothing else; the default entry is this plus every feature.
 *
 * @example
 * ```ts
 * import { init } from 'journeytrace/core';
 * import { errors } from 'journeytrace/features';
 * const journey = init({ serviceName: 'shop-web', propagateTo: ['https://edge.shop.example'], features: [errors()] });
 * await journey.step('checkout', () => fetch('https://edge.shop.example/api/checkout', { method: 'POST' }));
 * ```
 */
import { ROOT_CONTEXT, context, diag, propagation, trace, type Context, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
// OpenTelemetry JS 3's one tracing SDK (sdk-trace-web has no 3.x): its TracerProvider has no
// `register()`, so the SDK sets its own propagator and context manager below.
import { TracerProvider as SdkTracerProvider } from '@opentelemetry/sdk-trace';
import { resolveConfig, type JourneyTraceEnv, type JourneyTraceOptions, type JourneyUser } from './config/options.js';
import { stepContextManager } from './context/StepContextManager.js';
import { journeySpanProcessor } from './export/JourneySpanProcessor.js';
import { otlpHttpTransport } from './export/OtlpHttpTransport.js';
import { indexedDbStore } from './export/offlineStore.js';
import { fetchSpans } from './fetch/fetchSpans.js';
import { runStep, type HoldContext, type JourneyStep } from './journey/step.js';
import { journeyPropagator } from './propagation/journeyPropagator.js';
import { propagationPatterns } from './propagation/propagationFilter.js';
import { sessionSampled, sessionSampler } from './sampling/SessionSampler.js';
import { ATTR_ENDUSER_ID, ATTR_SESSION_ID, ATTR_SESSION_PREVIOUS_ID, ATTR_USER_TIER } from './semconv.js';
import { journeySession } from './session/session.js';
import { sessionSpanProcessor } from './session/SessionSpanProcessor.js';
import { installDiagLogger } from './logging/diagLogger.js';
import { inBrowser, outsideBrowserJourney } from './platform/outsideBrowser.js';

export type { JourneyTraceEnv, JourneyTraceOptions, JourneyUser } from './config/options.js';
export type { JourneyStep } from './journey/step.js';
export type { CurrentIds, LogRecord } from './logging/log.js';
export type { LogLevel } from './logging/diagLogger.js';
export { BAGGAGE_KEYS, type BaggageKey } from './baggage/journeyBaggage.js';
export { currentIds, log } from './logging/log.js';

/** What a feature gets from the SDK it is started by. */
export interface FeatureHost {
  readonly tracer: Tracer;
  /** The SDK's tracer provider, for OpenTelemetry instrumentations (`setTracerProvider`). */
  readonly tracerProvider: TracerProvider;
  /** The other origins that receive trace headers and baggage (`propagateTo`, as patterns); the page's own origin always does. */
  readonly propagateTo: readonly RegExp[];
  /** Keeps a context as the fallback for work that lost its own (after awaits, in timers) until released. */
  readonly hold: HoldContext;
  /** The page's documentLoad context once recorded (set by `documentLoad`, read by `webVitals`). */
  pageContext: Context | undefined;
  /** Aborts when the SDK shuts down: listeners added with it are removed then. */
  readonly signal: AbortSignal;
}

/**
 * A piece of page instrumentation: started once by `init`, stopped by `host.signal` (or by the
 * function it returns). Features start before the SDK's own page-hide flush is registered, so
 * what they record on hide is sent.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a feature with nothing to stop is a plain function returning nothing; `undefined` would reject it.
export type JourneyFeature = (host: FeatureHost) => (() => void) | void;

/** Options of `journeytrace/core`'s `init`: those of the default entry, plus the features to run. */
export interface JourneyTraceCoreOptions extends JourneyTraceOptions, JourneyTraceEnv {
  /** Page instrumentation to run, from `journeytrace/features`. Default none. */
  features?: ReadonlyArray<JourneyFeature>;
}

/** The handle `init` returns. */
export interface JourneyTrace {
  /** The current session id (32 hex), stamped on every span and sent as baggage `session.id`. */
  readonly sessionId: string;
  /** Whether the current session is traced (head sampling, decided once per session and tier). */
  readonly sampled: boolean;
  /**
   * Spans lost so far: more than the export queue holds, or refused by the endpoint (4xx other
   * than 408 and 429). Spans waiting out an outage are kept and retried, not counted.
   */
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
 * Starts journey tracing for this page with the given features. Never throws for bad options:
 * each is reported through `diag` and replaced by its default. Outside a browser (server-side
 * rendering) it returns a journey that records nothing, noted once through `diag`.
 * @see https://www.w3.org/TR/trace-context/ and https://www.w3.org/TR/baggage/
 */
export function init(options: JourneyTraceCoreOptions = {}): JourneyTrace {
  // First, so the options' own warnings show.
  installDiagLogger(options.logLevel ?? options.OTEL_LOG_LEVEL);
  if (!inBrowser()) return outsideBrowserJourney();
  const warn = (message: string) => diag.warn(message);
  const now = options.now || Date.now;
  const config = resolveConfig(options, warn, globalThis.location?.origin);
  // Taken before fetchSpans wraps fetch: the exporter's requests are never traced.
  const nativeFetch = globalThis.fetch;
  let user: JourneyUser = config.user;
  let tracer: Tracer | undefined;

  const session = journeySession(options.storage || localStorageOrUndefined(), config, now, (_started, previousId) => {
    // Synchronously: a rotation noticed while the page unloads must be flushed with it.
    const attributes = previousId ? { [ATTR_SESSION_PREVIOUS_ID]: previousId } : {};
    tracer?.startSpan('session.start', { attributes }, ROOT_CONTEXT).end();
  });
  const sampled = sessionSampled(() => ({ sessionId: session.current().id, tier: user.tier }), config);
  const journeyValues = () => ({ [ATTR_SESSION_ID]: session.current().id, [ATTR_USER_TIER]: user.tier, [ATTR_ENDUSER_ID]: user.id });

  const processor = journeySpanProcessor(
    otlpHttpTransport({
      url: config.tracesUrl,
      sendClockReading: config.relay,
      sendBatchId: config.relay,
      compression: config.compression,
      fetch: nativeFetch,
      now,
    }),
    { ...config, offlineStore: config.offlineStorage ? indexedDbStore() : undefined },
  );
  const provider = new SdkTracerProvider({
    // Merge, not replace: the default resource carries telemetry.sdk.language=webjs.
    resource: defaultResource().merge(resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName })),
    sampler: sessionSampler(sampled),
    spanProcessors: [sessionSpanProcessor(journeyValues), processor],
  });
  const contextManager = stepContextManager(options.contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(journeyPropagator(journeyValues));
  context.setGlobalContextManager(contextManager.enable());
  tracer = provider.getTracer('journeytrace');

  const propagateTo = propagationPatterns(config.propagateTo, warn);
  const fetchInstrumentation = fetchSpans({ tracer, propagateTo, tracesUrl: config.tracesUrl });
  // Aborted by shutdown: every listener of the SDK and its features is added with its signal.
  const stopped = new AbortController();
  const { signal } = stopped;
  signal.addEventListener('abort', () => fetchInstrumentation.disable());

  const hold: HoldContext = contextManager.hold;
  const host: FeatureHost = { tracer, tracerProvider: provider, propagateTo, hold, pageContext: undefined, signal };
  for (const feature of options.features || []) {
    const stop = feature(host);
    if (stop) signal.addEventListener('abort', stop);
  }
  // After the features, whose reports on hide (web vitals) must be queued before the flush.
  addEventListener(
    'pagehide',
    () => {
      // The spans of what is still open (steps, clicks, route changes) would be lost with the page: end them to flush them too.
      for (const held of contextManager.held()) trace.getSpan(held)?.end();
      // Fetches whose body is still being read, or whose span waits for its resource timing.
      fetchInstrumentation.flush();
      processor.flushOnHide(true);
    },
    { signal },
  );
  document.addEventListener(
    'visibilitychange',
    () => {
      if (document.visibilityState === 'hidden') processor.flushOnHide();
    },
    { signal },
  );

  return {
    get sessionId() {
      return session.current().id;
    },
    get sampled() {
      return sampled();
    },
    get droppedSpans() {
      return processor.droppedSpans;
    },
    setUser(next) {
      user = { ...next };
    },
    step(name, fn) {
      return runStep(host.tracer, hold, name, fn);
    },
    forceFlush: () => provider.forceFlush(),
    shutdown() {
      stopped.abort();
      return provider.shutdown().then(() => {
        contextManager.disable();
      });
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
