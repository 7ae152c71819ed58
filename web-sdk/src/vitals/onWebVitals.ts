import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { FeatureHost } from '../core.js';
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
 * support are not reported. Stops observing when `signal` aborts.
 * @see https://web.dev/articles/vitals
 */
export function onWebVitals(host: FeatureHost): void {
  const { tracer, signal } = host;
  const idPrefix = `v1-${Date.now()}-`;
  const report = (name: WebVitalName, value: number) => {
    tracer
      .startSpan(
        `web-vital ${name}`,
        {
          attributes: {
            [ATTR_WEB_VITAL_NAME]: name,
            [ATTR_WEB_VITAL_VALUE]: value,
            [ATTR_WEB_VITAL_RATING]: rate(name, value),
            [ATTR_WEB_VITAL_ID]: idPrefix + name,
          },
        },
        host.pageContext || ROOT_CONTEXT,
      )
      .end();
  };
  const [navigation] = performance.getEntriesByType('navigation') as Array<PerformanceNavigationTiming & { activationStart?: number }>;
  // A prerendered page counts from when the user activated it.
  const sinceActivation = (time: number) => Math.max(time - (navigation?.activationStart || 0), 0);
  // A page hidden before it painted (opened in a background tab) has no meaningful LCP.
  let firstHiddenTime = document.visibilityState === 'hidden' ? 0 : Infinity;
  const once = { once: true, signal };

  // TTFB: after load, like the documentLoad span it is reported under.
  const reportTtfb = () =>
    setTimeout(() => {
      if (navigation && navigation.responseStart > 0) report('TTFB', sinceActivation(navigation.responseStart));
    }, 0);
  if (document.readyState === 'complete') reportTtfb();
  else addEventListener('load', reportTtfb, once);

  // LCP
  let lcp: number | undefined;
  const takeLcp = observe('largest-contentful-paint', signal, (entries) => {
    for (const entry of entries) if (entry.startTime < firstHiddenTime) lcp = sinceActivation(entry.startTime);
  });
  let lcpFinal = !takeLcp;
  const finalizeLcp = () => {
    if (lcpFinal) return;
    lcpFinal = true;
    takeLcp?.(true);
    if (lcp !== undefined) report('LCP', lcp);
  };
  // Input stops new LCP candidates; defer so the page's own handler runs first.
  for (const type of ['keydown', 'click']) addEventListener(type, () => setTimeout(finalizeLcp, 0), { once: true, capture: true, signal });

  // CLS
  const layoutShifts = layoutShiftWindows();
  const takeShifts = observe('layout-shift', signal, (entries) => {
    for (const entry of entries) layoutShifts.add(entry as unknown as LayoutShiftLike);
  });
  let clsReported: number | undefined;

  // INP: event entries of 40 ms or more (the web-vitals default), and every first input.
  const latencies = interactionLatencies();
  const addInteractions = (entries: PerformanceEntryList) => {
    for (const entry of entries as EventTimingLike[]) latencies.add(entry.interactionId || 0, entry.duration);
  };
  const takeEvents = observe('event', signal, addInteractions, { durationThreshold: 40 });
  const takeFirstInput = observe('first-input', signal, addInteractions);
  let inpReported: number | undefined;

  const onHidden = (event: Event) => {
    if (event.type !== 'pagehide' && document.visibilityState !== 'hidden') return;
    firstHiddenTime = Math.min(firstHiddenTime, performance.now());
    finalizeLcp();
    // Only for a page that painted content while visible, as web-vitals does.
    if (takeShifts && performance.getEntriesByName('first-contentful-paint').length) {
      takeShifts();
      if (layoutShifts.value !== clsReported) {
        clsReported = layoutShifts.value;
        report('CLS', clsReported);
      }
    }
    takeEvents?.();
    takeFirstInput?.();
    const inp = latencies.estimate((performance as { interactionCount?: number }).interactionCount ?? latencies.count);
    if (inp !== undefined && inp !== inpReported) {
      inpReported = inp;
      report('INP', inpReported);
    }
  };
  // Both: browsers differ in which fires when a page is left (and bfcache skips visibilitychange).
  document.addEventListener('visibilitychange', onHidden, { signal });
  addEventListener('pagehide', onHidden, { signal });
}

/**
 * Observes `type` (buffered) when the browser supports it, until `signal` aborts. Returns a
 * function that hands pending records to `callback` now (and, given `true`, stops observing).
 */
function observe(
  type: string,
  signal: AbortSignal,
  callback: (entries: PerformanceEntryList) => void,
  options?: Record<string, unknown>,
): ((stop?: boolean) => void) | undefined {
  try {
    if (!PerformanceObserver.supportedEntryTypes?.includes(type)) return undefined;
    const observer = new PerformanceObserver((list) => callback(list.getEntries()));
    observer.observe({ type, buffered: true, ...options } as PerformanceObserverInit);
    signal.addEventListener('abort', () => observer.disconnect());
    return (stop) => {
      callback(observer.takeRecords());
      if (stop) observer.disconnect();
    };
  } catch {
    return undefined;
  }
}
