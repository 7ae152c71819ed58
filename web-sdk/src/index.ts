/**
 * @module
 * journeytrace for the browser: a user's journey as one OpenTelemetry trace, carried to the
 * edge and origin with W3C trace context and baggage (`session.id`, `user.tier`).
 */
// zone.js (through context-zone) must load before the app's code captures Promise.
import { ZoneContextManager } from '@opentelemetry/context-zone';
import { context, diag, propagation } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { journeyBaggage } from './baggage/journeyBaggage.js';
import { runStep, type JourneyStep } from './journey/step.js';
import { originPattern } from './propagation/originPattern.js';
import { getOrCreateSessionId } from './session/sessionId.js';
import { SessionSpanProcessor } from './session/SessionSpanProcessor.js';

export type { JourneyStep } from './journey/step.js';
export { BAGGAGE_KEYS, type BaggageKey } from './baggage/journeyBaggage.js';

export interface JourneyUser {
  /** Service tier (`free`, `premium`, `vip`): sent as baggage `user.tier`. */
  tier?: string;
  /** The signed-in user's id: sent as baggage `enduser.id`. */
  id?: string;
}

export interface JourneyTraceOptions {
  /** `service.name` of the browser spans. */
  serviceName: string;
  /** OTLP/HTTP base URL; spans go to `${collectorUrl}/v1/traces`. Default `http://127.0.0.1:4318`. */
  collectorUrl?: string;
  /**
   * Origins (`https://api.example`) or URL patterns that receive `traceparent`, `tracestate`
   * and `baggage`. The page's own origin always does; every other origin gets none.
   */
  propagateTo?: ReadonlyArray<string | RegExp>;
  /** The user, if already known. */
  user?: JourneyUser;
  /** How often ended spans are sent, in ms. Default 1000 (also flushed when the page hides). */
  exportDelayMillis?: number;
}

/** The handle `init` returns. */
export interface JourneyTrace {
  /** The session id stamped on every span and sent as baggage `session.id`. */
  readonly sessionId: string;
  /** Sets (or clears, with `{}`) the user carried in baggage from now on. */
  setUser(user: JourneyUser): void;
  /** Runs `fn` as a named journey step: an active span whose fetches continue the trace. */
  step<T>(name: string, fn: (step: JourneyStep) => Promise<T> | T): Promise<T>;
  /** Sends every ended span now. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops tracing. */
  shutdown(): Promise<void>;
}

/**
 * Starts journey tracing for this page.
 *
 * @example
 * ```ts
 * const journey = init({ serviceName: 'shop-web', propagateTo: ['https://edge.shop.example'] })
 * journey.setUser({ tier: 'premium' })
 * await journey.step('checkout', () => fetch('https://edge.shop.example/api/checkout', { method: 'POST' }))
 * ```
 */
export function init(options: JourneyTraceOptions): JourneyTrace {
  const collectorUrl = (options.collectorUrl ?? 'http://127.0.0.1:4318').replace(/\/+$/, '');
  const tracesUrl = `${collectorUrl}/v1/traces`;
  const sessionId = getOrCreateSessionId(globalThis.sessionStorage);
  let user: JourneyUser = { ...options.user };
  const journeyAttributes = () => ({ 'session.id': sessionId, 'user.tier': user.tier, 'enduser.id': user.id });

  const provider = new WebTracerProvider({
    // Merge, not replace: the default resource carries telemetry.sdk.language=webjs.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })),
    spanProcessors: [
      new SessionSpanProcessor(journeyAttributes),
      new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl }), {
        scheduledDelayMillis: options.exportDelayMillis ?? 1000,
      }),
    ],
  });
  provider.register({
    contextManager: new ZoneContextManager(),
    propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new FetchInstrumentation({
        propagateTraceHeaderCorsUrls: (options.propagateTo ?? []).flatMap((entry) => {
          const pattern = originPattern(entry);
          if (!pattern) diag.warn(`journeytrace: propagateTo entry ${String(entry)} is not a URL; ignored`);
          return pattern ? [pattern] : [];
        }),
        // The exporter's own requests are never traced.
        ignoreUrls: [tracesUrl],
        clearTimingResources: true,
      }),
    ],
  });
  const tracer = provider.getTracer('journeytrace');

  return {
    sessionId,
    setUser(next) {
      user = { ...next };
    },
    step(name, fn) {
      const parent = propagation.setBaggage(context.active(), journeyBaggage(journeyAttributes()));
      return runStep(tracer, parent, name, fn);
    },
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
