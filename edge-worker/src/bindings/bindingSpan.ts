import type { Attributes, Span } from '@opentelemetry/api';
import { SPAN_KIND } from '../tracer/api.js';
import { activeContext } from '../context/activeContext.js';
import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { markError } from '../queue/tracedQueue.js';

/**
 * Runs one binding operation in a CLIENT span, child of the active span: the span ends when the
 * operation settles, an error is recorded on it and rethrown unchanged, and `describe` may add
 * what the result tells (hit or miss, rows returned) without ever failing the operation.
 */
export async function inBindingSpan<T>(
  tracing: EdgeTracing,
  name: string,
  attributes: Attributes,
  operation: () => Promise<T>,
  describe?: (result: T, span: Span) => void,
): Promise<T> {
  const span = tracing.tracer.startSpan(name, { kind: SPAN_KIND.CLIENT, attributes }, activeContext());
  try {
    const result = await operation();
    if (describe) {
      try {
        describe(result, span);
      } catch {
        // An odd result shape leaves the span without the detail, never fails the call.
      }
    }
    return result;
  } catch (error) {
    markError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Where a wrapper's spans go, and the binding's name as the worker's configuration spells it. */
export interface BindingTraceOptions {
  /** Where the spans go: the same `EdgeTracing` as the request's (e.g. `tracingFromEnv(c.env)`, what `trace()` uses by default). */
  tracing: EdgeTracing;
}

/**
 * A Proxy over a binding that replaces the methods named in `wrappers` and passes everything
 * else through bound to the binding (runtime bindings check `this`). Each wrapper is made once
 * per binding; wrapping an already wrapped binding returns it as it is.
 */
export function wrapBinding<T extends object>(
  binding: T,
  wrappers: { [method: string]: (original: (...args: never[]) => unknown) => (...args: never[]) => unknown },
  /** Wraps any other method (an RPC stub's remote methods); none when absent. */
  otherMethod?: (method: string, original: (...args: never[]) => unknown) => (...args: never[]) => unknown,
): T {
  if ((binding as { [WRAPPED]?: true })[WRAPPED]) return binding;
  const made = new Map<PropertyKey, unknown>();
  return new Proxy(binding, {
    get(target, property) {
      if (property === WRAPPED) return true;
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      let wrapped = made.get(property);
      if (!wrapped) {
        // Called through Reflect.apply, not `.bind`: on an RPC stub every property, `bind` too, is a remote method.
        const method = value as (...args: never[]) => unknown;
        const original = (...args: never[]) => Reflect.apply(method, target, args);
        const wrap = typeof property === 'string' && Object.hasOwn(wrappers, property) ? wrappers[property] : undefined;
        wrapped = wrap ? wrap(original) : otherMethod && typeof property === 'string' && !NOT_REMOTE.has(property) ? otherMethod(property, original) : original;
        made.set(property, wrapped);
      }
      return wrapped;
    },
  });
}

const WRAPPED = Symbol.for('journeytrace.binding.wrapped');

/** Properties of a stub that are not remote methods: promise checks, serialization, the stub's and a Fetcher's own API. */
const NOT_REMOTE = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor', 'connect', 'dup', 'toString', 'valueOf', 'queue', 'scheduled']);
