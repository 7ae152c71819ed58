/** Baggage keys the SDK ever sends; anything else set by the page stays in the page. */
export const BAGGAGE_KEYS = ['session.id', 'user.tier', 'enduser.id'] as const;
export type BaggageKey = (typeof BAGGAGE_KEYS)[number];
