import { ROOT_CONTEXT, type Context, type Tracer } from '@opentelemetry/api';
import { ATTR_WEB_VITAL_ID, ATTR_WEB_VITAL_NAME, ATTR_WEB_VITAL_RATING, ATTR_WEB_VITAL_VALUE } from '../semconv.js';
import { interactionLatencies } from './InteractionLatencies.js';
import { layoutShiftWindows, type LayoutShiftLike } from './LayoutShiftWindows.js';
import { rate, type WebVitalName } from './rating.js';

interface EventTimingLike extends PerformanceEntry {
  readonly interactionId?: number;
}

/**
 * Records LCP, INP, CLS and TTFB as zero-length spans `web-vital <name>` under the page's
 * documentLoad span (or as roots carrying the session before that exists), with the metrics'
 * published definitions, on PerformanceObserver alone:
 * - TTFB: navigation `responseStart`, once the page has loaded;
 * - LCP: the last `largest-contentful-paint` entry, final at the first click or key press or
 *   when the page is hidden, whichever comes first;
 * - CLS: the largest session window of layout shifts, reported when the page is hidden;
 * - INP: the ~98th percentile interaction latency, reported when the page is hidden.
 * CLS and INP are reported again on a later hide if they grew. Metrics the browser does not
 * support are not reported. Returns a function that stops observing.
 * @see https://web.dev/articles/vitals
 */
export function onWebVitals(tracer: Tracer, pageContext: () => Context | undefined): () => void {
  const idPrefix = `v1-${Date.now()}-`;
  const report = (name: WebVitalName, value: number) => {
    tracer
      .startSpan(`web-vital ${name}`, {
        attributes: { [ATTR_WEB_VITAL_NAME]: name, [ATTR_WEB_VITAL_VALUE]: value, [ATTR_WEB_VITAL_RATING]: rate(name, value), [ATTR_WEB_VITAL_ID]: idPrefix + name },
      }, pageContext() ?? ROOT_CONTEXT)
      .end();
  };
  const navigation = performance.getEntriesByType?.('navigation')[0] as (PerformanceNavigationTiming & { activationStart?: number }) | undefined;
  // A prerendered page counts from when the user activated it.
  const activationStart = navigation?.activationStart ?? 0;
  // A page hidden before it painted (opened in a background tab) has no meaningful LCP.
  let firstHiddenTime = document.visibilityState === 'hidden' ? 0 : Infinity;
  const stops: Array<() => void> = [];
  const listen = (target: EventTarget, type: string, listener: (event: Event) => void, options?: AddEventListenerOptions) => {
    target.addEventListener(type, listener, options);
    stops.push(() => target.removeEventListener(type, listener, options));
  };

  // TTFB: after load, like the documentLoad span it is reported under.
  const reportTtfb = () =>
    setTimeout(() => {
      if (navigation && navigation.responseStart > 0) report('TTFB', Math.max(navigation.responseStart - activationStart, 0));
    }, 0);
  if (document.readyState === 'complete') reportTtfb();
  else listen(globalThis, 'load', reportTtfb, { once: true });

  // LCP
  let lcp: number | undefined;
  const lcpObserver = observe('largest-contentful-paint', (entries) => {
    for (const entry of entries) if (entry.startTime < firstHiddenTime) lcp = Math.max(entry.startTime - activationStart, 0);
  });
  let lcpFinal = !lcpObserver;
  const finalizeLcp = () => {
    if (lcpFinal) return;
    lcpFinal = true;
    lcpObserver!.take();
    lcpObserver!.observer.disconnect();
    if (lcp !== undefined) report('LCP', lcp);
  };
  // Input stops new LCP candidates; defer so the page's own handler runs first.
  for (const type of ['keydown', 'click']) listen(globalThis, type, () => setTimeout(finalizeLcp, 0), { once: true, capture: true });

  // CLS
  const layoutShifts = layoutShiftWindows();
  const clsObserver = observe('layout-shift', (entries) => {
    for (const entry of entries) layoutShifts.add(entry as unknown as LayoutShiftLike);
  });
  let clsReported: number | undefined;

  // INP: event entries of 40 ms or more (the web-vitals default), and every first input.
  const latencies = interactionLatencies();
  const addInteractions = (entries: PerformanceEntryList) => {
    for (const entry of entries as EventTimingLike[]) latencies.add(entry.interactionId ?? 0, entry.duration);
  };
  const eventObserver = observe('event', addInteractions, { durationThreshold: 40 });
  const firstInputObserver = observe('first-input', addInteractions);
  let inpReported: number | undefined;

  const onHidden = (event: Event) => {
    if (event.type !== 'pagehide' && document.visibilityState !== 'hidden') return;
    firstHiddenTime = Math.min(firstHiddenTime, performance.now());
    finalizeLcp();
    if (clsObserver && painted()) {
      clsObserver.take();
      if (layoutShifts.value !== clsReported) report('CLS', (clsReported = layoutShifts.value));
    }
    eventObserver?.take();
    firstInputObserver?.take();
    const count = (performance as { interactionCount?: number }).interactionCount ?? latencies.count;
    const inp = latencies.estimate(count);
    if (inp !== undefined && inp !== inpReported) report('INP', (inpReported = inp));
  };
  // Both: browsers differ in which fires when a page is left (and bfcache skips visibilitychange).
  listen(document, 'visibilitychange', onHidden);
  listen(globalThis, 'pagehide', onHidden);

  return () => {
    for (const stop of stops.splice(0)) stop();
    for (const observed of [lcpObserver, clsObserver, eventObserver, firstInputObserver]) observed?.observer.disconnect();
  };
}

/** Whether the page painted content while visible (CLS is reported only then, as web-vitals does). */
function painted(): boolean {
  return performance.getEntriesByName('first-contentful-paint').length > 0;
}

/** Observes `type` (buffered) when the browser supports it; `take()` handles pending records now. */
function observe(type: string, callback: (entries: PerformanceEntryList) => void, options: Record<string, unknown> = {}): { observer: PerformanceObserver; take(): void } | undefined {
  try {
    if (!PerformanceObserver.supportedEntryTypes?.includes(type)) return undefined;
    const observer = new PerformanceObserver((list) => callback(list.getEntries()));
    observer.observe({ type, buffered: true, ...options } as PerformanceObserverInit);
    return { observer, take: () => callback(observer.takeRecords()) };
  } catch {
    return undefined;
  }
}
