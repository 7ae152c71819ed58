/**
 * The page's one journeytrace instance. Route changes, clicks and fetches are traced by the SDK
 * itself; the app adds named steps around what the user does (see Cart.tsx).
 */
import { init } from 'journeytrace';

/** The edge worker: the app's API and the relay for its spans. Same origin when not set. */
export const edgeUrl: string = import.meta.env.VITE_EDGE_URL || location.origin;

export const journey = init({
  serviceName: 'shop-spa',
  relayUrl: edgeUrl,
  propagateTo: [edgeUrl],
  scheduledDelayMillis: 500,
});
