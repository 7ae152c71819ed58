import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { tracingFromEnv, type TracingBindings } from '../otelEnv/tracingFromEnv.js';
import { inInvocationSpan, type WaitUntil } from './invocationSpan.js';
import { ATTR_RPC_METHOD, ATTR_RPC_SERVICE, ATTR_RPC_SYSTEM, RPC_SYSTEM_VALUE_CLOUDFLARE_WORKERS, takeRpcContext } from './rpc.js';
import { ALARM_CONTEXT_STORAGE_KEY, type AlarmStorageLike } from './tracedAlarm.js';
import { carriedHeaders } from './carriedContext.js';

export interface TraceEntrypointOptions<Env> {
  /** `rpc.service` of the SERVER spans. Default: the class's name. */
  name?: string;
  /** Where the spans go. Default: `tracingFromEnv(env)` (the `OTEL_*` bindings). */
  tracing?: (env: Env) => EdgeTracing;
}

/** `faas.trigger` of an alarm or a cron trigger. */
export const ATTR_FAAS_TRIGGER = 'faas.trigger';
export const FAAS_TRIGGER_VALUE_TIMER = 'timer';

/** Handlers the runtime calls by name: not RPC methods. `fetch` is the app's (Hono with `trace()`). */
const HANDLERS = new Set(['constructor', 'fetch', 'alarm', 'scheduled', 'queue', 'tail', 'trace', 'webSocketMessage', 'webSocketClose', 'webSocketError']);

/** What a `WorkerEntrypoint` or `DurableObject` instance holds (protected in their types). */
interface Instance<Env> {
  env: Env;
  ctx: WaitUntil & { storage?: AlarmStorageLike };
}

/**
 * A subclass of a `WorkerEntrypoint` or `DurableObject` class whose RPC methods (those declared
 * on the class) each run in a SERVER span `<name>/<method>` continuing the caller's context
 * (sent by `traceService` or `traceDurableObject`, and taken off the arguments); a call without
 * that context (the class calling its own helpers, an untraced caller) runs untouched. Its
 * `alarm()` runs in a span of the trace that set it with `setTracedAlarm`, linked to it. The
 * class itself is not changed; export the subclass. Spans are flushed in `ctx.waitUntil`.
 *
 * @example
 * ```ts
 * class CartObject extends DurableObject<Env> {
 *   async add(sku: string) { ... }
 *   async alarm() { ... }
 * }
 * export const Cart = traceEntrypoint(CartObject, { name: 'Cart' })
 * ```
 */
export function traceEntrypoint<C extends abstract new (...args: never[]) => object, Env extends object = TracingBindings>(
  Base: C,
  options: TraceEntrypointOptions<Env> = {},
): C {
  const name = options.name ?? Base.name;
  const tracingOf = (instance: Instance<Env>) => options.tracing?.(instance.env) ?? tracingFromEnv(instance.env as TracingBindings);
  const Traced = class extends (Base as unknown as new (...args: unknown[]) => object) {};
  Object.defineProperty(Traced, 'name', { value: Base.name });
  const prototype = Base.prototype as Record<string, unknown>;

  for (const method of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
    if (HANDLERS.has(method) || typeof descriptor?.value !== 'function') continue;
    const original = descriptor.value as (...args: unknown[]) => unknown;
    const attributes = { [ATTR_RPC_SYSTEM]: RPC_SYSTEM_VALUE_CLOUDFLARE_WORKERS, [ATTR_RPC_SERVICE]: name, [ATTR_RPC_METHOD]: method };
    Object.defineProperty(Traced.prototype, method, {
      ...descriptor,
      value: function (this: Instance<Env>, ...received: unknown[]) {
        const { args, headers } = takeRpcContext(received);
        // Only a call that carries a context is an RPC call to continue: the class's own calls
        // to its helpers (which sit on the prototype too) run as they are, synchronous ones included.
        if (!headers) return original.apply(this, args);
        return inInvocationSpan(tracingOf(this), this.ctx, { name: `${name}/${method}`, attributes, headers }, () => original.apply(this, args));
      },
    });
  }

  const alarm = prototype.alarm;
  if (typeof alarm === 'function') {
    Object.defineProperty(Traced.prototype, 'alarm', {
      configurable: true,
      writable: true,
      value: async function alarmHandler(this: Instance<Env>, ...args: unknown[]) {
        const storage = this.ctx.storage;
        let headers: Record<string, string> | undefined;
        try {
          headers = carriedHeaders(await storage?.get(ALARM_CONTEXT_STORAGE_KEY));
        } catch {
          // No stored context: the alarm starts a trace of its own.
        }
        const result = await inInvocationSpan(
          tracingOf(this),
          this.ctx,
          { name: `alarm ${name}`, attributes: { [ATTR_FAAS_TRIGGER]: FAAS_TRIGGER_VALUE_TIMER }, headers, linkToCarried: true },
          () => (alarm as (...args: unknown[]) => unknown).apply(this, args),
        );
        // Kept until the alarm succeeds: a retried alarm joins the same trace.
        if (headers) await storage?.delete(ALARM_CONTEXT_STORAGE_KEY).catch(() => {});
        return result;
      },
    });
  }
  return Traced as unknown as C;
}
