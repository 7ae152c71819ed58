/**
 * The page's journeytrace instance, as the web SDK's README recommends for server rendering:
 * this module is imported (and evaluated) while rendering on the server, and `init()` runs in the
 * browser, once hydrated.
 */
import { init, type JourneyTrace } from 'journeytrace';

let journey: JourneyTrace | undefined;

/** The edge worker (API and span relay), which the server writes into the page. */
export function edgeUrl(): string {
  return document.documentElement.dataset.edgeUrl ?? location.origin;
}

/** Starts tracing in the browser, once. */
export function startJourney(): JourneyTrace {
  journey ??= init({ serviceName: 'shop-ssr', relayUrl: edgeUrl(), propagateTo: [edgeUrl()], scheduledDelayMillis: 500 });
  return journey;
}
