import type { Context } from '@opentelemetry/api';
import { contextApi } from '../tracer/api.js';
import { AsyncLocalStorageContextManager } from './AsyncLocalStorageContextManager.js';

/** The isolate's AsyncLocalStorage context manager, once it is the API's global one. */
let installed: AsyncLocalStorageContextManager | undefined;

/** Installs the AsyncLocalStorage context manager as the API's global one, once per isolate (idempotent). */
export function installContextManager(): void {
  if (installed) return;
  const manager = new AsyncLocalStorageContextManager();
  if (contextApi.setGlobalContextManager(manager)) installed = manager;
}

/**
 * The active context, as `context.active()`. While journeytrace's manager is the global one (the
 * usual case in a worker) it is read directly: the API looks its global manager up on every
 * call, which costs more than the read, and a request asks several times. Otherwise (another
 * manager registered, or ours disabled through `context.disable()`) the API answers.
 */
export function activeContext(): Context {
  return installed?.enabled ? installed.active() : contextApi.active();
}

/** Runs `fn` with `context` active, as `context.with(context, fn)`, by the same shortcut as {@link activeContext}. */
export function withActiveContext<T>(context: Context, fn: () => T): T {
  return installed?.enabled ? installed.with(context, fn) : contextApi.with(context, fn);
}
