import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/**
 * Context manager over `AsyncLocalStorage`.
 *
 * Written against `node:async_hooks` so that workerd's `nodejs_als` compatibility flag is
 * enough; @opentelemetry/context-async-hooks would need all of `nodejs_compat`.
 * The same code runs unchanged in Node.
 */
export class AsyncLocalStorageContextManager implements ContextManager {
  private readonly _storage = new AsyncLocalStorage<Context>();
  private _enabled = true;

  /** False after `disable()` (e.g. through the API's `context.disable()`) until `enable()`. */
  get enabled(): boolean {
    return this._enabled;
  }

  active(): Context {
    return this._storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const callback = thisArg == null ? fn : (fn.bind(thisArg) as F);
    return this._storage.run(context, callback, ...args);
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function bound(this: unknown, ...args: unknown[]) {
      return manager.with(context, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    this._enabled = true;
    return this;
  }

  disable(): this {
    this._enabled = false;
    this._storage.disable();
    return this;
  }
}
