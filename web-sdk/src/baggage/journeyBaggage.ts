/** Baggage keys the SDK ever sends (the contract's browser allow-list); anything else set by the page stays in the page. */
export { BROWSER_BAGGAGE_KEYS as BAGGAGE_KEYS, type JourneyBaggageKey as BaggageKey } from '@journeytrace/contract';
