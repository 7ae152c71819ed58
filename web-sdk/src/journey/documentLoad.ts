import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { addSpanNetworkEvents } from '@opentelemetry/web-common';
import type { FeatureHost } from '../core.js';
import { ATTR_URL_FULL } from '../semconv.js';
import { serverSpanContext } from './serverTiming.js';

/**
 * Once the page has loaded, records its navigation timing as a span tree: `documentLoad`
 * (navigation start to load end) with `documentFetch` (fetch start to response end, with its
 * network phases as events) and the milestones as events. When the server sent its traceparent (Server-Timing or a meta tag),
 * `documentLoad` is that server span's child, so the first page joins the server's trace.
 * Sets `host.pageContext` to the documentLoad context (web vitals are reported under it).
 */
export function onDocumentLoad(host: FeatureHost): void {
  const { tracer, signal } = host;
  const record = () => {
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
    if (!navigation) return;
    const meta = document.querySelector('meta[name=traceparent]')?.getAttribute('content');
    const server = serverSpanContext(navigation.serverTiming, meta);
    const parent = server ? trace.setSpanContext(ROOT_CONTEXT, server) : ROOT_CONTEXT;
    // Performance-relative numbers: the SDK adds timeOrigin.
    const load = tracer.startSpan('documentLoad', { startTime: navigation.startTime, attributes: { [ATTR_URL_FULL]: location.href } }, parent);
    const loadContext = trace.setSpan(parent, load);
    const fetchSpan = tracer.startSpan('documentFetch', { startTime: navigation.fetchStart, attributes: { [ATTR_URL_FULL]: navigation.name } }, loadContext);
    // The network events instrumentation-fetch gives a fetch span, from the same helper; zeros (phases that did not happen) left out.
    addSpanNetworkEvents(fetchSpan, navigation, false, true);
    fetchSpan.end(navigation.responseEnd || navigation.fetchStart);
    for (const name of ['domInteractive', 'domContentLoadedEventEnd', 'domComplete', 'loadEventStart'] as const) {
      if (navigation[name] > 0) load.addEvent(name, navigation[name]);
    }
    load.end(navigation.loadEventEnd || performance.now());
    host.pageContext = loadContext;
  };
  // loadEventEnd is set only after the load handlers have returned.
  if (document.readyState === 'complete') setTimeout(record, 0);
  else addEventListener('load', () => setTimeout(record, 0), { once: true, signal });
}
