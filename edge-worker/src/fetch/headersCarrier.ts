import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/** Reads propagation headers from a web-standard `Headers`. */
export const headersGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** Writes propagation headers into a web-standard `Headers`. */
export const headersSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

/**
 * Writes propagation headers into a plain object, as `Headers.set` would: one entry per name,
 * whatever the letter case of one already there.
 */
export const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    const lower = key.toLowerCase();
    for (const name in carrier) if (name !== key && name.toLowerCase() === lower) delete carrier[name];
    carrier[key] = value;
  },
};

/** Reads propagation headers from a plain object (a queue message's or an RPC call's carrier). */
export const recordGetter: TextMapGetter<Record<string, string>> = {
  get: (carrier, key) => carrier[key],
  keys: (carrier) => Object.keys(carrier),
};
