import type { Span } from '@opentelemetry/api';
import { addSpanNetworkEvents } from '@opentelemetry/web-common';
import { sharedDeadlines } from './sharedDeadlines.js';

/** Matches fetch spans with their resource-timing entries, through one observer for the page. */
export interface ResourceTimings {
  /**
   * Ends `span` at `endTime` (performance time), first adding the network phases of the fetch of
   * `url` started at `startTime` as events: at once when its entry is in, else when it arrives,
   * else without them once the wait is over.
   */
  end(span: Span, url: string, startTime: number, endTime: number): void;
  /** Ends every span still waiting for its entry, without it (the page is going). */
  flush(): void;
  /** Disconnects the observer, ending what waits. */
  stop(): void;
}

// Entries seen before their span ended, kept for matching. Only the newest few: a span that ends
// later than that many fetches after its own goes without events.
const MAX_UNCLAIMED_ENTRIES = 64;
// performance.now() is coarsened (100 µs in Chromium without cross-origin isolation): the entry's
// fetchStart may read a little before the span's start taken just before calling fetch.
const START_SLACK_MILLIS = 1;

/** Starts delivering resource-timing entries to `take`; returns how to stop, or `undefined` where there are none. */
export type ObserveResources = (take: (timings: readonly PerformanceResourceTiming[]) => void) => (() => void) | undefined;

/** The page's resource timing, through one `PerformanceObserver`. */
export const observeResources: ObserveResources = (take) => {
  try {
    const observer = new PerformanceObserver((list) => take(list.getEntries() as PerformanceResourceTiming[]));
    observer.observe({ type: 'resource' });
    return () => observer.disconnect();
  } catch {
    return undefined; // No resource timing here: spans end without network events.
  }
};

interface Waiting {
  span: Span;
  url: string;
  startTime: number;
  endTime: number;
  done: boolean;
}

/**
 * One shared `PerformanceObserver` for every fetch (instrumentation-fetch made one per fetch, and a
 * 300 ms timer per span to wait for it). An entry is matched to a span by URL and start time;
 * entries that come before their span ends wait in a short list, spans that end before their entry
 * wait at most `waitMillis` on one shared timer. The span's end time is the body's real end either
 * way: only the moment `end()` is called moves.
 */
export function resourceTimings(waitMillis: number, observe: ObserveResources = observeResources): ResourceTimings {
  // With name and start copied out: each is a native getter that makes a new string or number per read.
  let unclaimed: Array<{ name: string; startTime: number; timing: PerformanceResourceTiming }> = [];
  const waiting = new Map<string, Waiting[]>();
  const deadlines = sharedDeadlines(waitMillis);

  const finish = (entry: Waiting, timing: PerformanceResourceTiming | undefined) => {
    entry.done = true;
    if (timing) addSpanNetworkEvents(entry.span, timing, false, true);
    entry.span.end(entry.endTime);
  };
  const within = (timingStart: number, startTime: number, endTime: number) => timingStart >= startTime - START_SLACK_MILLIS && timingStart <= endTime;

  const take = (timing: PerformanceResourceTiming) => {
    if (timing.initiatorType !== 'fetch') return;
    const { name, startTime } = timing;
    const candidates = waiting.get(name);
    const index = candidates ? candidates.findIndex((entry) => within(startTime, entry.startTime, entry.endTime)) : -1;
    if (!candidates || index < 0) {
      unclaimed.push({ name, startTime, timing });
      if (unclaimed.length > MAX_UNCLAIMED_ENTRIES) unclaimed = unclaimed.slice(-MAX_UNCLAIMED_ENTRIES);
      return;
    }
    const [entry] = candidates.splice(index, 1);
    if (!candidates.length) waiting.delete(name);
    if (entry) finish(entry, timing);
  };

  let disconnect = observe((timings) => {
    for (const timing of timings) take(timing);
  });

  const endWaiting = () => {
    for (const entries of waiting.values()) for (const entry of entries) finish(entry, undefined);
    waiting.clear();
  };

  return {
    end(span, url, startTime, endTime) {
      if (!disconnect) return void span.end(endTime);
      const index = unclaimed.findIndex((seen) => seen.name === url && within(seen.startTime, startTime, endTime));
      if (index >= 0) {
        const [seen] = unclaimed.splice(index, 1);
        if (seen) addSpanNetworkEvents(span, seen.timing, false, true);
        return void span.end(endTime);
      }
      const entry: Waiting = { span, url, startTime, endTime, done: false };
      const entries = waiting.get(url);
      if (entries) entries.push(entry);
      else waiting.set(url, [entry]);
      deadlines.add(() => {
        if (entry.done) return;
        const list = waiting.get(url);
        const at = list ? list.indexOf(entry) : -1;
        if (list && at >= 0) list.splice(at, 1);
        if (list && !list.length) waiting.delete(url);
        finish(entry, undefined);
      });
    },
    flush() {
      deadlines.clear();
      endWaiting();
    },
    stop() {
      disconnect?.();
      disconnect = undefined;
      deadlines.clear();
      endWaiting();
      unclaimed = [];
    },
  };
}
