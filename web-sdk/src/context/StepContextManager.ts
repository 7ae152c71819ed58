import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * A context manager that keeps journey context across native `async`/`await`, which no
 * browser API lets a library follow (zone.js only sees promises it created, not the ones
 * `await` creates; AsyncContext is not shipped yet).
 *
 * Two sources, in order:
 * 1. the synchronous `with()` stack (or the optional inner manager, e.g. zone.js), which is
 *    exact for code that runs inside the callback;
 * 2. the contexts *held* by open journey steps, clicks and route changes: while one is open,
 *    code that has no context of its own (after an `await`, in a timer, an event handler or a
 *    promise chain) continues the most recently opened one. A held context is released when its
 *    step ends, so nothing is attributed to it afterwards.
 *
 * Limit: when two holds overlap (two steps running at once), work that lost its context goes to
 * the later one. Work started by a step that runs after the step has ended starts a new trace.
 */
export class StepContextManager implements ContextManager {
  private _stack: Context[] = [];
  private _held: Context[] = [];
  private _enabled = false;

  constructor(private readonly _inner?: ContextManager) {}

  active(): Context {
    if (!this._enabled) return ROOT_CONTEXT;
    const exact = this._inner ? this._inner.active() : this._stack[this._stack.length - 1];
    if (exact && exact !== ROOT_CONTEXT) return exact;
    return this._held[this._held.length - 1] ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    if (this._inner) return this._inner.with(context, fn, thisArg, ...args);
    this._stack.push(context);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this._stack.pop();
    }
  }

  bind<T>(context: Context, target: T): T {
    if (this._inner) return this._inner.bind(context, target);
    if (typeof target !== 'function') return target;
    const manager = this;
    const bound = function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => (target as (...a: unknown[]) => unknown).apply(this, args));
    };
    return bound as T;
  }

  /**
   * Makes `context` the fallback for code without a context of its own until the returned
   * release function is called (once is enough; later calls do nothing).
   */
  hold(context: Context): () => void {
    this._held.push(context);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const index = this._held.lastIndexOf(context);
      if (index >= 0) this._held.splice(index, 1);
    };
  }

  enable(): this {
    this._inner?.enable();
    this._enabled = true;
    return this;
  }

  disable(): this {
    this._inner?.disable();
    this._enabled = false;
    this._stack = [];
    this._held = [];
    return this;
  }
}
