/**
 * @module
 * journeytrace for the browser: a user's journey as one OpenTelemetry trace, carried to the
 * edge and origin with W3C trace context and baggage (`session.id`, `user.tier`, `enduser.id`).
 * This entry runs every feature (each can be turned off); `journeytrace/core` runs only those
 * passed to it, for the smallest bundle.
 */
import { init as initCore, type JourneyTrace, type JourneyTraceCoreOptions } from './core.js';
import { documentLoad, errors, interactions, routeChanges, webVitals } from './features.js';

export type {
  FeatureHost,
  JourneyFeature,
  JourneyTrace,
  JourneyTraceCoreOptions,
  JourneyTraceEnv,
  JourneyTraceOptions,
  JourneyUser,
  JourneyStep,
  CurrentIds,
  LogLevel,
  LogRecord,
} from './core.js';
export { BAGGAGE_KEYS, type BaggageKey, currentIds, log } from './core.js';

/**
 * Starts journey tracing for this page, every feature on unless turned off (`errors`,
 * `interactions`, `routeChanges`, `documentLoad`, `webVitals`: `false`). Never throws for bad
 * options: each is reported through `diag` and replaced by its default.
 *
 * @example
 * ```ts
 * const journey = init({ serviceName: 'shop-web', relayUrl: 'https://edge.shop.example', propagateTo: ['https://edge.shop.example'] })
 * journey.setUser({ tier: 'premium' })
 * await journey.step('checkout', () => fetch('https://edge.shop.example/api/checkout', { method: 'POST' }))
 * ```
 * @see https://www.w3.org/TR/trace-context/ and https://www.w3.org/TR/baggage/
 */
export function init(options: JourneyTraceCoreOptions = {}): JourneyTrace {
  const on = (flag: boolean | undefined) => flag !== false;
  const features = [
    on(options.errors) && errors(),
    on(options.interactions) && interactions(),
    on(options.routeChanges) && routeChanges(),
    on(options.documentLoad) && documentLoad(),
    on(options.webVitals) && webVitals(),
  ].filter((feature) => feature !== false);
  return initCore({ ...options, features: [...features, ...(options.features || [])] });
}
