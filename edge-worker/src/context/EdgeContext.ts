import type { Context } from '@opentelemetry/api';

const DELETED = Symbol('journeytrace: deleted context value');

/** Past this many frames a context is copied into a fresh, short chain (one frame per key). */
const MAX_DEPTH = 32;

/**
 * An OpenTelemetry `Context` kept as a chain of frames, one key and value each. A request at
 * the edge derives a context four or five times (remote parent, baggage, server span, client
 * span); the API's `ROOT_CONTEXT` copies a `Map` and makes three closures each time, a frame
 * is one small object. Reading walks the chain, which stays short: it is flattened past
 * {@link MAX_DEPTH} frames.
 *
 * Start from {@link EdgeContext.ROOT} where the API's `ROOT_CONTEXT` would be used; everything
 * derived from it (`trace.setSpan`, `propagation.setBaggage`, ...) stays an `EdgeContext`.
 */
export class EdgeContext implements Context {
  /** The empty context. */
  static readonly ROOT: Context = new EdgeContext(undefined, undefined, undefined, 0);

  private constructor(
    private readonly _parent: EdgeContext | undefined,
    private readonly _key: symbol | undefined,
    private readonly _value: unknown,
    private readonly _depth: number,
  ) {}

  getValue(key: symbol): unknown {
    for (let frame: EdgeContext | undefined = this; frame; frame = frame._parent) {
      if (frame._key === key) return frame._value === DELETED ? undefined : frame._value;
    }
    return undefined;
  }

  setValue(key: symbol, value: unknown): Context {
    return this._derive(key, value);
  }

  deleteValue(key: symbol): Context {
    return this._derive(key, DELETED);
  }

  private _derive(key: symbol, value: unknown): EdgeContext {
    if (this._depth < MAX_DEPTH) return new EdgeContext(this, key, value, this._depth + 1);
    // Latest value per key, nearest frame first; deleted keys are left out.
    const latest = new Map<symbol, unknown>([[key, value]]);
    for (let frame: EdgeContext | undefined = this; frame; frame = frame._parent) {
      if (frame._key !== undefined && !latest.has(frame._key)) latest.set(frame._key, frame._value);
    }
    let flat = EdgeContext.ROOT as EdgeContext;
    for (const [entryKey, entryValue] of latest) {
      if (entryValue !== DELETED) flat = new EdgeContext(flat, entryKey, entryValue, flat._depth + 1);
    }
    return flat;
  }
}
