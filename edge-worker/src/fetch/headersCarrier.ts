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
