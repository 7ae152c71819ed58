/**
 * @module
 * `journeytrace/zone`: zone.js as an extra context manager, for apps that already load zone.js
 * (Angular) or build for ES2016 and want exact context in promise chains they create. The
 * default entry does not need it: journey steps hold their context across native awaits.
 *
 * The SDK's own, where it used @opentelemetry/context-zone before: that package has no
 * OpenTelemetry JS 3 release, and its 2.x peer range excludes @opentelemetry/api 1.10.
 *
 * @example
 * ```ts
 * import { init } from 'journeytrace';
 * import { zoneContextManager } from 'journeytrace/zone';
 * init({ serviceName: 'shop-web', contextManager: zoneContextManager() });
 * ```
 */
import 'zone.js';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/** The zone property that holds the OpenTelemetry context. */
const CONTEXT_PROPERTY = 'journeytrace.context';

/**
 * A zone.js context manager (loads zone.js, which patches Promise and timers): `with()` runs in
 * a child zone holding the context, and everything zone.js carries that zone into (promise
 * reactions, timers, event handlers added inside) sees it as active.
 */
export function zoneContextManager(): ContextManager {
  let enabled = false;
  const zoneWith = (value: Context) => Zone.current.fork({ name: 'journeytrace', properties: { [CONTEXT_PROPERTY]: value } });
  const manager: ContextManager = {
    active: () => (enabled ? ((Zone.current.get(CONTEXT_PROPERTY) as Context | undefined) ?? ROOT_CONTEXT) : ROOT_CONTEXT),
    with(value, fn, thisArg, ...args) {
      return enabled ? zoneWith(value).run(fn, thisArg, args) : fn.call(thisArg, ...args);
    },
    bind(value, target) {
      // Functions only: event targets keep their listeners' own zones.
      return enabled && typeof target === 'function'
        ? (zoneWith(value).wrap(target as (...args: unknown[]) => unknown, 'journeytrace.bind') as typeof target)
        : target;
    },
    enable() {
      enabled = true;
      return manager;
    },
    disable() {
      enabled = false;
      return manager;
    },
  };
  return manager;
}
