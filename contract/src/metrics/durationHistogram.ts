/**
 * An explicit-bucket histogram with exemplars, collected with delta temporality.
 *
 * Why not @opentelemetry/sdk-metrics: in the 2.x line it neither attaches exemplars to points
 * nor serializes them, and on Workers an isolate is short-lived, so each flush sends what was
 * recorded since the last one (delta). The same code runs in workerd and Node.
 */

/** Bucket boundaries (seconds) the HTTP semantic conventions advise for request durations. */
export const HTTP_DURATION_BOUNDARIES_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] as const;

export type MetricAttributes = Record<string, string | number | boolean>;

/** A measurement's link to the trace it came from. */
export interface Exemplar {
  timeUnixMillis: number;
  value: number;
  traceId: string;
  spanId: string;
  /**
   * Higher wins the bucket's exemplar slot: point exemplars at traces the tail sampler keeps
   * (errors, slow requests, premium tiers) rather than at traces it may drop.
   */
  priority: number;
}

export interface HistogramPoint {
  attributes: MetricAttributes;
  startUnixMillis: number;
  timeUnixMillis: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** One more than the boundaries: the last bucket is (last boundary, +Inf). */
  bucketCounts: number[];
  boundaries: readonly number[];
  exemplars: Exemplar[];
}

interface Series {
  attributes: MetricAttributes;
  count: number;
  sum: number;
  min: number;
  max: number;
  bucketCounts: number[];
  exemplars: Array<Exemplar | undefined>;
}

/** Attribute sets kept between flushes before new ones are dropped (and counted). */
export const MAX_SERIES = 2000;

export class DurationHistogram {
  private _series = new Map<string, Series>();
  private _startUnixMillis: number;
  private _droppedMeasurements = 0;

  constructor(
    readonly name: string,
    readonly description: string,
    readonly unit = 's',
    readonly boundaries: readonly number[] = HTTP_DURATION_BOUNDARIES_SECONDS,
    private readonly _now: () => number = Date.now,
  ) {
    this._startUnixMillis = _now();
  }

  /** Measurements not recorded because there were already MAX_SERIES attribute sets. */
  get droppedMeasurements(): number {
    return this._droppedMeasurements;
  }

  /**
   * Adds one measurement. `exemplar` (a sampled span's context, or anything with its ids) becomes
   * the bucket's exemplar when its `priority` is at least the one held; taken now.
   */
  record(value: number, attributes: MetricAttributes, exemplar?: { readonly traceId: string; readonly spanId: string }, priority = 0): void {
    if (!Number.isFinite(value) || value < 0) return;
    const key = seriesKey(attributes);
    let series = this._series.get(key);
    if (!series) {
      if (this._series.size >= MAX_SERIES) {
        this._droppedMeasurements += 1;
        return;
      }
      series = {
        attributes: { ...attributes },
        count: 0,
        sum: 0,
        min: Infinity,
        max: -Infinity,
        bucketCounts: new Array<number>(this.boundaries.length + 1).fill(0),
        exemplars: new Array<Exemplar | undefined>(this.boundaries.length + 1).fill(undefined),
      };
      this._series.set(key, series);
    }
    const bucket = bucketIndex(this.boundaries, value);
    series.count += 1;
    series.sum += value;
    if (value < series.min) series.min = value;
    if (value > series.max) series.max = value;
    series.bucketCounts[bucket] = (series.bucketCounts[bucket] ?? 0) + 1;
    if (!exemplar) return;
    const current = series.exemplars[bucket];
    if (!current) {
      series.exemplars[bucket] = { traceId: exemplar.traceId, spanId: exemplar.spanId, priority, value, timeUnixMillis: this._now() };
    } else if (priority >= current.priority) {
      // The series' own object, handed out only by collect(), which starts new series: replaced in place.
      current.traceId = exemplar.traceId;
      current.spanId = exemplar.spanId;
      current.priority = priority;
      current.value = value;
      current.timeUnixMillis = this._now();
    }
  }

  /** Everything recorded since the last collect (delta), and starts a new interval. */
  collect(): HistogramPoint[] {
    const now = this._now();
    const points = [...this._series.values()].map((series) => ({
      attributes: series.attributes,
      startUnixMillis: this._startUnixMillis,
      timeUnixMillis: now,
      count: series.count,
      sum: series.sum,
      min: series.min,
      max: series.max,
      bucketCounts: series.bucketCounts,
      boundaries: this.boundaries,
      exemplars: series.exemplars.filter((exemplar): exemplar is Exemplar => exemplar !== undefined),
    }));
    this._series = new Map();
    this._startUnixMillis = now;
    return points;
  }
}

/** Buckets are upper-inclusive, as in OpenTelemetry: (b[i-1], b[i]]. */
export function bucketIndex(boundaries: readonly number[], value: number): number {
  let low = 0;
  let high = boundaries.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (value <= (boundaries[mid] ?? Number.POSITIVE_INFINITY)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * One string per attribute set, whatever the key order. Length-prefixed parts (and the value's
 * type) keep it unambiguous without escaping: it is built on every measurement.
 */
export function seriesKey(attributes: MetricAttributes): string {
  const keys = Object.keys(attributes);
  if (keys.length > 1) keys.sort();
  let key = '';
  for (const name of keys) {
    const value = attributes[name];
    const text = String(value);
    key += `${name.length}:${name}${typeof value === 'string' ? 's' : typeof value === 'number' ? 'n' : 'b'}${text.length}:${text}`;
  }
  return key;
}
