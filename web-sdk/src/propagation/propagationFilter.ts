import { originPattern } from './originPattern.js';

/**
 * Whether a request URL may receive trace headers: the page's own origin always, another origin
 * only when a `propagateTo` entry matches it. Entries that are not URLs are reported and allow
 * nothing.
 */
export function propagationFilter(entries: ReadonlyArray<string | RegExp>, pageOrigin: string | undefined, warn: (message: string) => void): (url: URL, href?: string) => boolean {
  const patterns = entries.flatMap((entry) => {
    const pattern = originPattern(entry);
    if (!pattern) warn(`journeytrace: propagateTo entry ${String(entry)} is not a URL; ignored`);
    return pattern ? [pattern] : [];
  });
  return (url, href = url.href) => {
    if (url.origin === pageOrigin) return true;
    return patterns.some((pattern) => {
      pattern.lastIndex = 0; // A /g or /y pattern keeps state between tests.
      return pattern.test(href);
    });
  };
}
