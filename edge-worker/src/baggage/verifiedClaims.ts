import { propagation, type Baggage, type Context } from '@opentelemetry/api';
import { CLAIMED_BAGGAGE_KEYS } from '@journeytrace/contract';
import { canonicalBaggageKey } from '@journeytrace/contract/propagation';

/** Baggage keys that state who the user is: claims from the browser, never facts on their own (the contract's `CLAIMED_BAGGAGE_KEYS`). */
export const DEFAULT_CLAIMED_BAGGAGE_KEYS: readonly string[] = CLAIMED_BAGGAGE_KEYS;

/** What the edge verified about the user, by baggage key (`user.tier`, `enduser.id`). */
export type VerifiedUser = Readonly<Record<string, string | undefined>>;

/**
 * Replaces the claimed keys in `baggage` with what was verified: a verified value overwrites
 * the claim (or is added), a claim without a verified value is dropped. Other entries stay.
 *
 * Claims are judged on the canonical key ({@link canonicalBaggageKey}), so a claim spelled
 * `user%2Etier` (kept as written by a propagator that does not decode keys) is a claim too; an
 * entry whose key has no canonical form is dropped, since readers would disagree on what it is.
 */
export function applyVerifiedUser(
  baggage: Baggage | undefined,
  verified: VerifiedUser | null,
  claimedKeys: readonly string[] = DEFAULT_CLAIMED_BAGGAGE_KEYS,
): Baggage {
  const claimed = new Set(claimedKeys.map((key) => canonicalBaggageKey(key) ?? key));
  let result = baggage ?? propagation.createBaggage();
  const unverifiable = result.getAllEntries().flatMap(([key]) => {
    const canonical = canonicalBaggageKey(key);
    return canonical === undefined || claimed.has(canonical) ? [key] : [];
  });
  if (unverifiable.length > 0) result = result.removeEntries(...unverifiable);
  for (const key of claimed) {
    const value = verified?.[key];
    if (value) result = result.setEntry(key, { value });
  }
  return result;
}

/** The same on a context: the baggage the SERVER span and every outbound call will see. */
export function withVerifiedUser(context: Context, verified: VerifiedUser | null, claimedKeys?: readonly string[]): Context {
  const baggage = applyVerifiedUser(propagation.getBaggage(context), verified, claimedKeys);
  return baggage.getAllEntries().length > 0 ? propagation.setBaggage(context, baggage) : propagation.deleteBaggage(context);
}
