/**
 * The page's journeytrace instance, as the web SDK's README recommends for server rendering:
 * this module is imported (and evaluated) while rendering on the server, and `init()` runs in the
 * browser, once hydrated.
 */
import { init, type JourneyTrace } from 'journeytrace';

let journey: JourneyTrace | undefined;

/** Starts tracing in the browser, once; spans go to the edge worker's relay. */
export function startJourney(edgeUrl: string): JourneyTrace {
  journey ??= init({ serviceName: 'shop-ssr', relayUrl: edgeUrl, propagateTo: [edgeUrl], scheduledDelayMillis: 500 });
  return journey;
}
