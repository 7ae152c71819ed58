/**
 * Turns a `propagateTo` entry into the pattern request URLs are matched against.
 *
 * An origin string matches that origin's URLs only: `https://a.example` must not match
 * `https://a.example.evil` or `https://a.example:8443`, which a plain prefix test would (and
 * instrumentation-fetch compares a string with the whole URL). A RegExp is copied without the
 * `g` and `y` flags, whose `lastIndex` would make a match depend on the one before. Returns
 * `undefined` for an entry that is not a URL, so bad config allows nothing.
 */
export function originPattern(entry: string | RegExp): RegExp | undefined {
  if (entry instanceof RegExp) return new RegExp(entry.source, entry.flags.replace(/[gy]/g, ''));
  let origin: string;
  try {
    origin = new URL(entry).origin;
  } catch {
    return undefined;
  }
  if (origin === 'null') return undefined;
  return new RegExp(`^${escapeRegExp(origin)}(?:[/?#]|$)`);
}

/** `text` as a RegExp source that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
