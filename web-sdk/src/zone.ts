/**
 * @module
 * `journeytrace/zone`: zone.js as an extra context manager, for apps that already load zone.js
 * (Angular) or build for ES2016 and want exact context in promise chains they create. The
 * default entry does not need it: journey steps hold their context across native awaits.
 *
 * @example
 * ```ts
 * import { init } from 'journeytrace';
 * import { zoneContextManager } from 'journeytrace/zone';
 * init({ serviceName: 'shop-web', contextManager: zoneContextManager() });
 * ```
 */
import { ZoneContextManager } from '@opentelemetry/context-zone';
import type { ContextManager } from '@opentelemetry/api';

/** A zone.js context manager (loads zone.js, which patches Promise and timers). */
export function zoneContextManager(): ContextManager {
  return new ZoneContextManager();
}
