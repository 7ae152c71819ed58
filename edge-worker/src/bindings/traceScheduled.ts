import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { tracingFromEnv, type TracingBindings } from '../otelEnv/tracingFromEnv.js';
import { inInvocationSpan, type WaitUntil } from './invocationSpan.js';
import { ATTR_FAAS_TRIGGER, FAAS_TRIGGER_VALUE_TIMER } from './traceEntrypoint.js';

/** FaaS conventions for timer triggers (incubating: copied). */
export const ATTR_FAAS_CRON = 'faas.cron';
export const ATTR_FAAS_TIME = 'faas.time';

/** What the runtime passes to `scheduled()` (`ScheduledController`), structurally. */
export interface ScheduledControllerLike {
  readonly cron: string;
  readonly scheduledTime: number;
}

export interface TraceScheduledOptions<Env> {
  /** Where the spans go. Default: `tracingFromEnv(env)` (the `OTEL_*` bindings). */
  tracing?: (env: Env) => EdgeTracing;
}

/**
 * Builds a worker's `scheduled()` handler that runs in a SERVER span of a new trace, `cron
 * <expression>` with `faas.trigger=timer`, `faas.cron` and `faas.time`, and flushes its spans in
 * `ctx.waitUntil` as a request does. Work the handler does through traced bindings or
 * `tracedQueue` joins that trace.
 *
 * @example
 * ```ts
 * export default {
 *   fetch: app.fetch,
 *   scheduled: traceScheduled<Env>(async (controller, env) => { ... }),
 * }
 * ```
 * @see https://opentelemetry.io/docs/specs/semconv/faas/faas-spans/
 */
export function traceScheduled<Env extends object = TracingBindings>(
  handler: (controller: ScheduledControllerLike, env: Env, ctx: WaitUntil) => unknown,
  options: TraceScheduledOptions<Env> = {},
) {
  return async function scheduled(controller: ScheduledControllerLike, env: Env, ctx: WaitUntil): Promise<void> {
    const tracing = options.tracing?.(env) ?? tracingFromEnv(env as TracingBindings);
    const time = Number.isFinite(controller.scheduledTime) ? new Date(controller.scheduledTime).toISOString() : undefined;
    await inInvocationSpan(
      tracing,
      ctx,
      {
        name: `cron ${controller.cron}`,
        attributes: { [ATTR_FAAS_TRIGGER]: FAAS_TRIGGER_VALUE_TIMER, [ATTR_FAAS_CRON]: controller.cron, ...(time ? { [ATTR_FAAS_TIME]: time } : {}) },
      },
      () => handler(controller, env, ctx),
    );
  };
}
