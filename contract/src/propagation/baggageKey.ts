/**
 * The one form of a baggage key that every hop (web SDK, edge, relay, Node origins) reads,
 * compares and writes.
 *
 * W3C Baggage makes a key a token, and `%` is a token character, so `user%2Etier` is a valid key
 * that is not `user.tier`; yet readers differ: @opentelemetry/core's W3CBaggagePropagator
 * percent-decodes keys (it reads `user.tier`), a plain token parser does not. A claim checked on
 * one spelling and read on the other is a bypass. So a key is canonical only when every reader
 * agrees on it: the key percent-decoded once, and that a token with no `%` left in it.
 *
 * @see https://www.w3.org/TR/baggage/#key
 */

// token (RFC 9110 tchar) without '%': decoding leaves such a key as it is, in every reader.
const CANONICAL_KEY = /^[!#$&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True when `key` is written in canonical form (and so means the same to every reader). */
export function isCanonicalBaggageKey(key: string): boolean {
  return CANONICAL_KEY.test(key);
}

/**
 * The canonical form of a key as written in a header (or kept by another propagator):
 * percent-decoded once, then a token without `%`. `undefined` when there is none: a malformed
 * `%`-sequence, a double encoding (`user%252Etier` is still encoded after one decode), or a
 * decoded key that is not a token (`a%20b`). Such a member is dropped, never passed on.
 */
export function canonicalBaggageKey(key: string): string | undefined {
  if (!key.includes('%')) return CANONICAL_KEY.test(key) ? key : undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(key);
  } catch {
    return undefined; // Malformed %-sequence or invalid UTF-8.
  }
  return CANONICAL_KEY.test(decoded) ? decoded : undefined;
}
