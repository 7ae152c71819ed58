/**
 * Browser clock skew. The browser stamps its clock reading at send time (epoch milliseconds,
 * in the `journeytrace-sent-at` header, or the `sent_at` query parameter where a header cannot
 * be set, as with `sendBeacon`); the difference to the worker's clock at receipt is the
 * laptop's error plus the transit time. Shifting the batch by it keeps a wrong laptop clock from
 * fooling the tail sampler's latency policy (earliest start to latest end of the trace) and the
 * waterfall.
 */
import type { OtlpTraceRequest } from './otlpTypes.js';

export const ATTR_JOURNEYTRACE_CLOCK_SKEW_MS = 'journeytrace.clock_skew_ms';

/**
 * The header carrying the browser's clock at send time (epoch ms). The web SDK sends it: unlike a
 * query parameter it leaves the URL alone, so the browser's cached CORS preflight is reused.
 */
export const SENT_AT_HEADER = 'journeytrace-sent-at';
/** The same reading as a query parameter, for senders that cannot set headers (`sendBeacon`). */
export const SENT_AT_PARAM = 'sent_at';

/** The request's clock reading: the header, else the query parameter; null without either. */
export function sentAtOf(request: Request): string | null {
  const header = request.headers.get(SENT_AT_HEADER);
  if (header !== null) return header.trim();
  // Parsing the URL only when it can hold the parameter.
  return request.url.includes(`${SENT_AT_PARAM}=`) ? new URL(request.url).searchParams.get(SENT_AT_PARAM) : null;
}

export interface ClockSkewOptions {
  /** Offsets smaller than this are transit time and ordinary drift: left alone. Default 1000. */
  minSkewMillis?: number;
  /** Offsets are capped at this size (either direction). Default 86400000 (one day). */
  maxSkewMillis?: number;
}

export const DEFAULT_MIN_SKEW_MILLIS = 1_000;
export const DEFAULT_MAX_SKEW_MILLIS = 86_400_000;

/**
 * The correction to add to the browser's timestamps, in whole milliseconds: 0 without a valid
 * reading or under the threshold, else the offset capped at `maxSkewMillis`.
 */
export function clockSkewMillis(sentAt: string | null | undefined, receivedAtMillis: number, options: ClockSkewOptions = {}): number {
  if (!sentAt || !/^\d{1,16}$/.test(sentAt)) return 0;
  const offset = receivedAtMillis - Number(sentAt);
  const min = options.minSkewMillis ?? DEFAULT_MIN_SKEW_MILLIS;
  const max = options.maxSkewMillis ?? DEFAULT_MAX_SKEW_MILLIS;
  if (Math.abs(offset) < min) return 0;
  return Math.max(-max, Math.min(max, offset));
}

function shift(timeUnixNano: string, offsetNanos: bigint): string {
  const time = BigInt(timeUnixNano);
  if (time === 0n) return timeUnixNano; // Unset stays unset.
  const shifted = time + offsetNanos;
  // Never below zero; the time window judged after the correction refuses such a span.
  return (shifted > 0n ? shifted : 0n).toString();
}

/** Shifts every span and event timestamp by `skewMillis` and records it on each span, in place. */
export function correctClockSkew(request: OtlpTraceRequest, skewMillis: number): void {
  if (skewMillis === 0) return;
  const offsetNanos = BigInt(skewMillis) * 1_000_000n;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        span.startTimeUnixNano = shift(span.startTimeUnixNano, offsetNanos);
        span.endTimeUnixNano = shift(span.endTimeUnixNano, offsetNanos);
        for (const event of span.events) event.timeUnixNano = shift(event.timeUnixNano, offsetNanos);
        span.attributes.push({ key: ATTR_JOURNEYTRACE_CLOCK_SKEW_MS, value: { intValue: String(skewMillis) } });
      }
    }
  }
}
