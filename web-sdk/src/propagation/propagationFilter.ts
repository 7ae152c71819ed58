import { originPattern } from './originPattern.js';

/**
 * The patterns of `propagateTo` (for instrumentation-fetch's `propagateTraceHeaderCorsUrls`):
 * URLs of other origins that may receive trace headers. Entries that are not URLs are reported
 * and allow nothing.
 */
export function propagationPatterns(entries: ReadonlyArray<string | RegExp>, warn: (message: string) => void): RegExp[] {
  return entries.flatMap((entry) => {
    const pattern = originPattern(entry);
    if (!pattern) warn(`journeytrace: propagateTo entry ${String(entry)} is not a URL; ignored`);
    return pattern ? [pattern] : [];
  });
}
