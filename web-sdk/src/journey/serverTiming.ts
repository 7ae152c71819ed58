import { parseTraceParent } from '@opentelemetry/core';
import type { SpanContext } from '@opentelemetry/api';

/**
 * The server's span context for this document, from the navigation's `Server-Timing`
 * (`traceparent;desc="00-…-…-01"`) or else a `<meta name="traceparent">`; `undefined` when
 * neither holds a valid traceparent. The server must send `Timing-Allow-Origin` for a
 * cross-origin document to expose Server-Timing.
 */
export function serverSpanContext(
  entries: ReadonlyArray<{ name: string; description: string }> | undefined,
  metaContent: string | null | undefined,
): SpanContext | undefined {
  const fromTiming = entries?.find((entry) => entry.name === 'traceparent')?.description;
  for (const candidate of [fromTiming, metaContent]) {
    if (!candidate) continue;
    const parsed = parseTraceParent(candidate.trim());
    if (parsed) return Object.assign(parsed, { isRemote: true });
  }
  return undefined;
}
