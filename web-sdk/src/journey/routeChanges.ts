import { context, trace, type Tracer } from '@opentelemetry/api';
import { ATTR_NAVIGATION_FROM, ATTR_NAVIGATION_TYPE, ATTR_URL_FULL, ATTR_URL_PATH } from '../semconv.js';
import type { HoldContext } from './step.js';

interface NavigateEventLike extends Event {
  readonly navigationType: string;
  readonly destination: { readonly url: string; readonly sameDocument: boolean };
}

/**
 * A span `route change` for each same-document navigation (history.pushState/replaceState,
 * back/forward, hash changes), seen through the Navigation API's `navigate` event, which needs
 * no patching of `history`. Its context is held until the next task so the fetches the new
 * route starts are its children. Where the Navigation API is missing, back/forward
 * (`popstate`) is still seen; pushState is not. Returns a function that stops listening.
 */
export function onRouteChange(tracer: Tracer, hold: HoldContext): () => void {
  const navigation = (globalThis as { navigation?: EventTarget }).navigation;
  let current = location.href;
  const start = (to: string, type: string) => {
    const from = current;
    current = to;
    const span = tracer.startSpan('route change', {
      attributes: { [ATTR_URL_FULL]: to, [ATTR_URL_PATH]: new URL(to).pathname, [ATTR_NAVIGATION_FROM]: from, [ATTR_NAVIGATION_TYPE]: type },
    }, context.active());
    const release = hold(trace.setSpan(context.active(), span));
    setTimeout(() => {
      release();
      span.end();
    }, 0);
  };
  if (navigation) {
    const listener = (event: Event) => {
      const navigate = event as NavigateEventLike;
      if (navigate.destination.sameDocument) start(navigate.destination.url, navigate.navigationType);
    };
    navigation.addEventListener('navigate', listener);
    return () => navigation.removeEventListener('navigate', listener);
  }
  const listener = () => start(location.href, 'traverse');
  addEventListener('popstate', listener);
  return () => removeEventListener('popstate', listener);
}
