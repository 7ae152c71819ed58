/** W3C Baggage limits (https://www.w3.org/TR/baggage/#limits): what a sender must stay within. */
export const BAGGAGE_MAX_TOTAL_BYTES = 8192;
export const BAGGAGE_MAX_ENTRIES = 180;
