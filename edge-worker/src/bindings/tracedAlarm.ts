import { recordSetter } from '../fetch/headersCarrier.js';
import { activeContext } from '../context/activeContext.js';
import type { BindingTraceOptions } from './bindingSpan.js';

/** Where a Durable Object keeps the context of the request that set its alarm (one alarm per object). */
export const ALARM_CONTEXT_STORAGE_KEY = 'journeytrace:alarm-context';

/** A Durable Object's storage, as far as alarms go (`ctx.storage`). */
export interface AlarmStorageLike {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<unknown>;
  setAlarm(scheduledTime: number | Date): Promise<void>;
}

/**
 * Sets the object's alarm and stores the active trace context beside it, so the `alarm()`
 * handler (wrapped by `traceEntrypoint`) runs in the same trace, linked to the request that
 * set it. Setting a new alarm replaces both.
 *
 * @example
 * ```ts
 * await setTracedAlarm(this.ctx.storage, Date.now() + 60_000, { tracing: tracingFromEnv(this.env) })
 * ```
 */
export async function setTracedAlarm(storage: AlarmStorageLike, scheduledTime: number | Date, options: BindingTraceOptions): Promise<void> {
  const headers: Record<string, string> = {};
  options.tracing.propagator.inject(activeContext(), headers, recordSetter);
  await storage.put(ALARM_CONTEXT_STORAGE_KEY, headers);
  await storage.setAlarm(scheduledTime);
}
