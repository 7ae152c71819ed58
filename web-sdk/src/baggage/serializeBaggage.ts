import { BAGGAGE_MAX_ENTRIES, BAGGAGE_MAX_TOTAL_BYTES } from './limits.js';

export interface SerializedBaggage {
  /** The `baggage` header value; empty when nothing fits. */
  header: string;
  /** Keys left out because they would break a W3C limit, or are not in canonical form. */
  dropped: string[];
}

/**
 * Serializes entries into a W3C `baggage` header value: values percent-encoded (UTF-8), entries
 * kept in order while they fit within 8192 bytes and 180 entries; an entry that does not fit is
 * left out whole (never cut, which would change its meaning) and reported, as is one whose key
 * is not in canonical form.
 */
export function serializeBaggage(entries: Iterable<readonly [string, string]>): SerializedBaggage {
  const members: string[] = [];
  const dropped: string[] = [];
  let bytes = 0;
  for (const [key, value] of entries) {
    // Percent-encoding leaves only ASCII, so string length is the byte count.
    const member = `${key}=${encodeURIComponent(value)}`;
    const added = member.length + (members.length ? 1 : 0);
    if (members.length >= BAGGAGE_MAX_ENTRIES || bytes + added > BAGGAGE_MAX_TOTAL_BYTES || !isCanonicalKey(key)) {
      dropped.push(key);
      continue;
    }
    members.push(member);
    bytes += added;
  }
  return { header: members.join(','), dropped };
}

// A baggage key in the canonical form every hop reads alike: an RFC 9110 token without '%', which
// no reader can percent-decode into another key (the edge's rule: canonicalBaggageKey in
// @journeytrace/edge; test/property/browser-baggage.test.ts checks the two agree).
function isCanonicalKey(key: string): boolean {
  return /^[!#$&'*+\-.^_`|~0-9A-Za-z]+$/.test(key);
}
