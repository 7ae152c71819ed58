/**
 * Turns a `propagateTo` entry into the pattern request URLs are matched against.
 *
 * An origin string matches that origin's URLs only: `https://a.example` must not match
 * `https://a.example.evil` or `https://a.example:8443`, which a plain prefix test would.
 * Returns `undefined` for an entry that is not a URL, so bad config allows nothing.
 */
export function originPattern(entry: string | RegExp): RegExp | undefined {
  if (entry instanceof RegExp) return entry;
  let origin: string;
  try {
    origin = new URL(entry).origin;
  } catch {
    return undefined;
  }
  if (origin === 'null') return undefined;
  return new RegExp(`^${origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:[/?#]|$)`);
}
