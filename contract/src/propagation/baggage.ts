import { canonicalBaggageKey, isCanonicalBaggageKey } from './baggageKey.js';
import { BAGGAGE_MAX_BYTES, BAGGAGE_MAX_MEMBERS } from '../w3c/limits.js';

/** One baggage list-member: decoded value, and its properties as written (`;`-separated). */
export interface BaggageMember {
  /** The key in canonical form (see {@link canonicalBaggageKey}). */
  key: string;
  value: string;
  /** Raw properties, e.g. `ttl=60;private`, or undefined when there are none. */
  properties?: string;
}

// Property keys = token (RFC 9110 tchar); list-member keys go through canonicalBaggageKey.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// value = *baggage-octet: printable ASCII except space, '"', ',', ';' and '\'.
const BAGGAGE_OCTETS = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const OWS_EDGES = /^[ \t]+|[ \t]+$/g;
const trimOws = (text: string) => text.replace(OWS_EDGES, '');
const utf8 = new TextEncoder();
const ASCII = /^\p{ASCII}*$/u;

/**
 * Parses a `baggage` header by the W3C Baggage rules. Never throws: a malformed list-member
 * (bad key, bad value octets, invalid percent-encoding, bad property) is skipped on its own.
 * Keys come out in canonical form ({@link canonicalBaggageKey}): `user%2Etier` is `user.tier`,
 * as a reader that decodes keys would see it; a key with no canonical form drops its member.
 * A key given twice (also once plain, once encoded) comes back twice; `W3CPropagator` keeps the
 * last, as @opentelemetry/core does, so both read the same entry.
 *
 * Limits: only list-members that end within the first {@link BAGGAGE_MAX_BYTES} bytes of the
 * header count, and at most {@link BAGGAGE_MAX_MEMBERS} are kept; the rest is dropped whole,
 * never cut in the middle of a value.
 */
export function parseBaggage(header: string): BaggageMember[] {
  const members: BaggageMember[] = [];
  // Valid baggage is ASCII, so characters are bytes; cut at the last whole member in the limit.
  const within = header.length > BAGGAGE_MAX_BYTES ? header.slice(0, Math.max(0, header.lastIndexOf(',', BAGGAGE_MAX_BYTES))) : header;
  for (const raw of within.split(',')) {
    if (members.length >= BAGGAGE_MAX_MEMBERS) break;
    const member = parseMember(raw);
    if (member) members.push(member);
  }
  return members;
}

function parseMember(raw: string): BaggageMember | undefined {
  const [pair = '', ...properties] = raw.split(';');
  const eq = pair.indexOf('=');
  if (eq < 0) return undefined;
  const key = canonicalBaggageKey(trimOws(pair.slice(0, eq)));
  const encoded = trimOws(pair.slice(eq + 1));
  if (key === undefined || !BAGGAGE_OCTETS.test(encoded)) return undefined;
  const value = percentDecode(encoded);
  if (value === undefined) return undefined;
  const props = properties.map(trimOws);
  if (!props.every(isValidProperty)) return undefined;
  return props.length > 0 ? { key, value, properties: props.join(';') } : { key, value };
}

/** property = key OWS "=" OWS value / key */
function isValidProperty(property: string): boolean {
  const eq = property.indexOf('=');
  if (eq < 0) return TOKEN.test(property);
  return TOKEN.test(trimOws(property.slice(0, eq))) && BAGGAGE_OCTETS.test(trimOws(property.slice(eq + 1)));
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined; // Malformed %-sequence or invalid UTF-8.
  }
}

/**
 * Writes a `baggage` header: values percent-encoded, members whose key is not in canonical form
 * skipped (so no reader can decode a key into another one), and
 * the header kept within {@link BAGGAGE_MAX_MEMBERS} members and {@link BAGGAGE_MAX_BYTES} bytes
 * by dropping whole members. Returns `''` when nothing is left.
 */
export function serializeBaggage(members: Iterable<BaggageMember>): string {
  const parts: string[] = [];
  let bytes = 0;
  for (const { key, value, properties } of members) {
    if (parts.length >= BAGGAGE_MAX_MEMBERS) break;
    if (!isCanonicalBaggageKey(key)) continue;
    const part = `${key}=${encodeURIComponent(value)}${properties ? `;${properties}` : ''}`;
    // Keys and encoded values are ASCII; only properties may hold other characters.
    const size = (ASCII.test(part) ? part.length : utf8.encode(part).length) + (parts.length > 0 ? 1 : 0);
    if (bytes + size > BAGGAGE_MAX_BYTES) continue;
    bytes += size;
    parts.push(part);
  }
  return parts.join(',');
}
