/**
 * Browser timestamps, bounded. A page can write any time: a span from 1970, one a century
 * ahead, or one lasting 56 years would be stored as sent and stretch its trace (the tail
 * sampler's latency policy measures a trace from its earliest start to its latest end). Run
 * after the clock-skew correction, so the times judged are the ones forwarded.
 */
import type { OtlpTraceRequest, RejectedSpans } from './otlpTypes.js';
import { countOption } from './spanLimits.js';
import { leaveOutSpans } from './validateTraceRequest.js';

export interface SpanTimeBounds {
  /** Spans that started longer ago than this (by the edge's clock) are left out. Default 86400000 (one day). */
  maxAgeMillis?: number;
  /** Spans that start further ahead of the edge's clock are left out, and ends are cut there. Default 300000 (five minutes). */
  maxAheadMillis?: number;
  /** A longer span ends this long after its start (its end is clamped). Default 3600000 (one hour). */
  maxDurationMillis?: number;
}

export const DEFAULT_MAX_SPAN_AGE_MILLIS = 86_400_000;
export const DEFAULT_MAX_SPAN_AHEAD_MILLIS = 300_000;
export const DEFAULT_MAX_SPAN_DURATION_MILLIS = 3_600_000;

const NANOS_PER_MILLI = 1_000_000n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** The bounds with their defaults, each a whole number of milliseconds (a bad value warned about and replaced). */
export function resolveSpanTimeBounds(bounds: SpanTimeBounds = {}): Required<SpanTimeBounds> {
  return {
    maxAgeMillis: countOption(bounds.maxAgeMillis, 'spanTimes.maxAgeMillis', DEFAULT_MAX_SPAN_AGE_MILLIS),
    maxAheadMillis: countOption(bounds.maxAheadMillis, 'spanTimes.maxAheadMillis', DEFAULT_MAX_SPAN_AHEAD_MILLIS),
    maxDurationMillis: countOption(bounds.maxDurationMillis, 'spanTimes.maxDurationMillis', DEFAULT_MAX_SPAN_DURATION_MILLIS),
  };
}

/**
 * Leaves out, in place, spans whose start lies outside [now − maxAge, now + maxAhead]; clamps
 * every other span's end to at most `maxDurationMillis` after its start and `maxAheadMillis`
 * ahead of now, and its events' times into [start, end] (an unset time, 0, stays unset).
 */
export function boundSpanTimes(request: OtlpTraceRequest, nowMillis: number, bounds: SpanTimeBounds = {}, rejected?: RejectedSpans): RejectedSpans | undefined {
  const { maxAgeMillis, maxAheadMillis, maxDurationMillis } = resolveSpanTimeBounds(bounds);
  const now = BigInt(Math.trunc(nowMillis)) * NANOS_PER_MILLI;
  const earliest = now - BigInt(maxAgeMillis) * NANOS_PER_MILLI;
  const latest = now + BigInt(maxAheadMillis) * NANOS_PER_MILLI;
  const maxDuration = BigInt(maxDurationMillis) * NANOS_PER_MILLI;
  return leaveOutSpans(
    request,
    (span) => {
      const start = BigInt(span.startTimeUnixNano);
      if (start < earliest) return 'starts before the accepted time window (too old, or a wrong clock)';
      if (start > latest) return 'starts after the accepted time window (in the future)';
      const end = min(BigInt(span.endTimeUnixNano), min(start + maxDuration, latest));
      span.endTimeUnixNano = end.toString();
      for (const event of span.events) {
        const time = BigInt(event.timeUnixNano);
        if (time !== 0n) event.timeUnixNano = min(max(time, start), end).toString();
      }
      return undefined;
    },
    rejected,
  );
}
