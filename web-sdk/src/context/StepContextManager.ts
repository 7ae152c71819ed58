import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/** A context manager that can also hold journey contexts as a fallback. */
export interface StepContextManager extends ContextManager {
  /**
   * Makes `context` the fallback for code without a context of its own until the returned
   * release function is called (once is enough; later calls do nothing).
   */
  hold(context: Context): () => void;
  /** The contexts held now, oldest first. */
  held(): readonly Context[];
}

/**
 * A context manager that keeps journey context across native `async`/`await`, which no
 * browser API lets a library follow (zone.js only sees promises it created, not the ones
 * `await` creates; AsyncContext is not shipped yet).
 *
 * Two sources, in order:
 * 1. the inner manager (e.g. zone.js), or else a synchronous `with()` stack of its own (what
 *    sdk-trace-web's StackContextManager does, without shipping a second manager beside this
 *    one); exact for code that runs inside the callback;
 * 2. the contexts *held* by open journey steps, clicks and route changes: while one is open,
 *    code that has no context of its own (after an `await`, in a timer, an event handler or a
 *    promise chain) continues the most recently opened one. A held context is released when its
 *    step ends, so nothing is attributed to it afterwards.
 *
 * Limit: when two holds overlap (two steps running at once), work that lost its context goes to
 * the later one. Work started by a step that runs after the step has ended starts a new trace.
 */
export function stepContextManager(inner?: ContextManager): StepContextManager {
  let held: Context[] = [];
  let enabled = false;
  // The synchronous with() stack, when there is no inner manager.
  let current = ROOT_CONTEXT;
  const manager: StepContextManager = {
    active() {
      const exact = inner ? inner.active() : current;
      return !enabled ? ROOT_CONTEXT : exact !== ROOT_CONTEXT ? exact : held[held.length - 1] || ROOT_CONTEXT;
    },
    with(context, fn, thisArg, ...args) {
      if (inner) return inner.with(context, fn, thisArg, ...args);
      const outer = current;
      current = context || ROOT_CONTEXT;
      try {
        return fn.call(thisArg, ...args);
      } finally {
        current = outer;
      }
    },
    bind(context, target) {
      if (inner) return inner.bind(context, target);
      // As sdk-trace-web's managers: no context given binds the active one, not the root.
      const bound = context || manager.active();
      return typeof target === 'function'
        ? (function (this: unknown, ...args: unknown[]) {
            return manager.with(bound, () => target.apply(this, args));
          } as typeof target)
        : target;
    },
    hold(context) {
      held.push(context);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const index = held.lastIndexOf(context);
        if (index >= 0) held.splice(index, 1);
      };
    },
    held: () => held,
    enable() {
      inner?.enable();
      enabled = true;
      return manager;
    },
    disable() {
      inner?.disable();
      enabled = false;
      held = [];
      current = ROOT_CONTEXT;
      return manager;
    },
  };
  return manager;
}
