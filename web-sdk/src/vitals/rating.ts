export type WebVitalName = 'LCP' | 'INP' | 'CLS' | 'TTFB';
export type WebVitalRating = 'good' | 'needs-improvement' | 'poor';

/**
 * Upper bounds of "good" and "needs improvement" for each metric (ms; CLS unitless), as published
 * with the metrics and used by the web-vitals library.
 * @see https://web.dev/articles/vitals#core-web-vitals and https://web.dev/articles/ttfb
 */
export const THRESHOLDS: Readonly<Record<WebVitalName, readonly [number, number]>> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  TTFB: [800, 1800],
};

/** A value at a bound still counts as the better rating. */
export function rate(name: WebVitalName, value: number): WebVitalRating {
  const [good, poor] = THRESHOLDS[name];
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor';
}
