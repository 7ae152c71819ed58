/**
 * @module
 * The journey's baggage keys and who may do what with each, in ONE table: the browser's
 * allow-list, the keys the edge and Node promote to span attributes, the keys that are claims
 * the edge verifies, and the keys the relay passes on browser spans are all derived from it.
 * Adding a key is one row here.
 */

/** Keys as OpenTelemetry's semantic conventions name them (`session.id`, `enduser.id`) or the kit does (`user.tier`). */
export const ATTR_SESSION_ID = 'session.id';
export const ATTR_USER_TIER = 'user.tier';
export const ATTR_ENDUSER_ID = 'enduser.id';

export interface JourneyBaggageEntry {
  readonly key: string;
  /** The web SDK puts it in the baggage it sends (anything else the page sets stays in the page). */
  readonly sentByBrowser: boolean;
  /** The edge and Node copy it from baggage onto every span (tail sampling reads attributes, not baggage). */
  readonly promoted: boolean;
  /**
   * It says who the user is: a claim from the browser, never a fact on its own. The edge
   * replaces it with what it verified (or drops it), and the relay never passes it on browser
   * spans, where tail sampling would take the page's word for it.
   */
  readonly claimed: boolean;
}

export const JOURNEY_BAGGAGE = [
  { key: ATTR_SESSION_ID, sentByBrowser: true, promoted: true, claimed: false },
  { key: ATTR_USER_TIER, sentByBrowser: true, promoted: true, claimed: true },
  { key: ATTR_ENDUSER_ID, sentByBrowser: true, promoted: true, claimed: true },
] as const satisfies readonly JourneyBaggageEntry[];

export type JourneyBaggageKey = (typeof JOURNEY_BAGGAGE)[number]['key'];

const keysWhere = (test: (entry: JourneyBaggageEntry) => boolean): readonly JourneyBaggageKey[] =>
  Object.freeze(JOURNEY_BAGGAGE.filter(test).map((entry) => entry.key));

/** The browser's allow-list: the baggage keys the web SDK ever sends. */
export const BROWSER_BAGGAGE_KEYS = keysWhere((entry) => entry.sentByBrowser);
/** Baggage keys the edge and Node promote to span attributes by default. */
export const PROMOTED_BAGGAGE_KEYS = keysWhere((entry) => entry.promoted);
/** Baggage keys that are claims about the user, verified at the edge. */
export const CLAIMED_BAGGAGE_KEYS = keysWhere((entry) => entry.claimed);
/** Journey attributes the relay keeps on browser spans and resources: the keys the browser sends that are no claims. */
export const RELAYED_JOURNEY_ATTRIBUTES = keysWhere((entry) => entry.sentByBrowser && !entry.claimed);
