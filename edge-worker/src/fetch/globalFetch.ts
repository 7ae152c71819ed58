/**
 * The global `fetch`, looked up at each call (tests and runtimes may replace it) and called with
 * no receiver: a `fetch` kept as a method of another object fails in workerd ("Illegal invocation").
 * The default wherever a `fetch` can be passed in.
 */
export const globalFetch: typeof fetch = (input, init) => fetch(input, init);
