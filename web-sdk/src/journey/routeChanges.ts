import { context, trace, type Tracer } from '@opentelemetry/api';
import { ATTR_NAVIGATION_FROM, ATTR_NAVIGATION_TYPE, ATTR_URL_FULL, ATTR_URL_PATH } from '../semconv.js';
import type { HoldContext } from './step.js';

interface NavigateEventLike extends Event {
  readonly navigationType: string;
  readonly destination: { readonly url: string; readonly sameDocument: boolean };
}

type HistoryMethod = 'pushState' | 'replaceState';

/**
 * A span `route change` for each same-document navigation: history.pushState/replaceState,
 * back/forward and hash changes. Seen through the Navigation API's `navigate` event where the
 * browser has it (no patching of `history`); elsewhere through wrapped `pushState` and
 * `replaceState` and the `popstate` event. `browser.navigation.type` is `push`, `replace` or
 * `traverse` either way. Its context is held until the next task so the fetches the new route
 * starts are its children. Returns a function that stops listening (and unwraps `history`).
 */
export function onRouteChange(tracer: Tracer, hold: HoldContext, navigation = (globalThis as { navigation?: EventTarget }).navigation): () => void {
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
  const wrap = (method: HistoryMethod, type: string) => {
    const original = history[method];
    const wrapped = function (this: History, ...args: Parameters<History[HistoryMethod]>) {
      const result = original.apply(this, args);
      start(location.href, type);
      return result;
    };
    history[method] = wrapped;
    return () => {
      if (history[method] === wrapped) history[method] = original;
    };
  };
  const unwrap = [wrap('pushState', 'push'), wrap('replaceState', 'replace')];
  const onPopState = () => start(location.href, 'traverse');
  addEventListener('popstate', onPopState);
  return () => {
    for (const stop of unwrap) stop();
    removeEventListener('popstate', onPopState);
  };
}
