/**
 * The page's journeytrace instance, made when the module is first evaluated: on the server while
 * rendering (where init() returns a journey that records nothing) and in the browser, where it traces.
 */
import { init } from 'journeytrace';

/** The edge worker (API and span relay), written into the page by the server; empty on the server. */
export const edgeUrl = globalThis.document?.documentElement.dataset.edgeUrl ?? '';

export const journey = init({
  serviceName: 'shop-ssr',
  relayUrl: edgeUrl || undefined,
  propagateTo: edgeUrl ? [edgeUrl] : [],
  scheduledDelayMillis: 500,
});
