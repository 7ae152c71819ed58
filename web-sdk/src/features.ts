/**
 * @module
 * `journeytrace/features`: the page instrumentation the default entry runs, one factory each,
 * for `init({ features: [...] })` of `journeytrace/core`, plus `xhr`, which no entry runs unless
 * passed (either entry's `features`). What an app does not import is not in its bundle.
 *
 * @example
 * ```ts
 * import { init } from 'journeytrace/core';
 * import { errors, routeChanges } from 'journeytrace/features';
 * init({ serviceName: 'shop-web', features: [errors(), routeChanges()] });
 * ```
 */
import type { JourneyFeature } from './core.js';
import { captureErrors } from './errors/captureErrors.js';
import { onDocumentLoad } from './journey/documentLoad.js';
import { onInteraction } from './journey/interactions.js';
import { onRouteChange } from './journey/routeChanges.js';
import { onWebVitals } from './vitals/onWebVitals.js';
import { onXhr } from './xhr/xhrSpans.js';

/** Uncaught errors and unhandled rejections as exception events with status ERROR on the active span. */
export const errors = (): JourneyFeature => captureErrors;

/** A span for each click and form submit, parent of what its handlers start. */
export const interactions = (): JourneyFeature => onInteraction;

/** A `route change` span for each same-document navigation (pushState, replaceState, back/forward). */
export const routeChanges = (): JourneyFeature => onRouteChange;

/** The document-load span tree from navigation timing, joined to the server's trace. */
export const documentLoad = (): JourneyFeature => onDocumentLoad;

/** LCP, INP, CLS and TTFB as spans under the page's documentLoad span. */
export const webVitals = (): JourneyFeature => onWebVitals;

/**
 * `XMLHttpRequest` calls as CLIENT spans, with trace headers and baggage to the same origins as
 * fetch. Off unless passed: only pages whose calls are XHR (axios' default browser adapter,
 * jQuery) need it, and its code is not in the bundle of those that do not.
 */
export const xhr = (): JourneyFeature => onXhr;
