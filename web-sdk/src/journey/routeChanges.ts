import { context } from '@opentelemetry/api';
import type { FeatureHost } from '../core.js';
import { ATTR_NAVIGATION_FROM, ATTR_NAVIGATION_TYPE, ATTR_URL_FULL, ATTR_URL_PATH } from '../semconv.js';
import { spanForThisTask } from './step.js';

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
 * starts are its children. Stops (and unwraps `history`) when `signal` aborts.
 */
export function onRouteChange({ tracer, hold, signal }: FeatureHost): void {
  const { navigation } = globalThis as { navigation?: EventTarget };
  let current = location.href;
  const start = (to: string, type: string) => {
    const attributes = { [ATTR_URL_FULL]: to, [ATTR_URL_PATH]: new URL(to).pathname, [ATTR_NAVIGATION_FROM]: current, [ATTR_NAVIGATION_TYPE]: type };
    current = to;
    spanForThisTask(tracer, hold, 'route change', attributes, context.active());
  };
  if (navigation) {
    navigation.addEventListener(
      'navigate',
      (event) => {
        const { destination, navigationType } = event as NavigateEventLike;
        if (destination.sameDocument) start(destination.url, navigationType);
      },
      { signal },
    );
    return;
  }
  const wrap = (method: HistoryMethod, type: string) => {
    const original = history[method];
    const wrapped = function (this: History, ...args: Parameters<History[HistoryMethod]>) {
      const result = original.apply(this, args);
      start(location.href, type);
      return result;
    };
    history[method] = wrapped;
    signal.addEventListener('abort', () => {
      if (history[method] === wrapped) history[method] = original;
    });
  };
  wrap('pushState', 'push');
  wrap('replaceState', 'replace');
  addEventListener('popstate', () => start(location.href, 'traverse'), { signal });
}
