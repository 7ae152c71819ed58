/**
 * The script-tag build (`journeytrace.iife.js`): everything on `window.journeytrace`, started
 * from the tag's `data-*` attributes or a `window.journeytraceConfig` object set before it.
 *
 * ```html
 * <script src="/journeytrace.iife.js" data-service-name="shop-web" data-relay-url="https://edge.shop.example"
 *         data-propagate-to="https://edge.shop.example"></script>
 * <script>journeytrace.journey.step('checkout', () => fetch('https://edge.shop.example/api/checkout'))</script>
 * ```
 * With neither a service name nor `data-auto-init`, nothing starts until `journeytrace.init(...)`.
 */
import { currentIds, init, log, type JourneyTrace } from '../index.js';
import { xhr } from '../features.js';
import { scriptTagOptions, type ScriptTagOptions } from './scriptConfig.js';

interface ScriptTagGlobal {
  init(options?: ScriptTagOptions): JourneyTrace;
  log: typeof log;
  currentIds: typeof currentIds;
  /** The running SDK, once started (automatically or by `init`). */
  journey?: JourneyTrace;
}

const script = document.currentScript as HTMLScriptElement | null;
const page = globalThis as unknown as { journeytrace?: ScriptTagGlobal; journeytraceConfig?: unknown };
const dataset = { ...script?.dataset };
const api: ScriptTagGlobal = {
  init(options) {
    const resolved = { ...scriptTagOptions(dataset, page.journeytraceConfig), ...options };
    api.journey = init({ ...resolved, features: [...(resolved.features || []), ...(resolved.xhr ? [xhr()] : [])] });
    return api.journey;
  },
  log,
  currentIds,
};
page.journeytrace = api;
const initial = scriptTagOptions(dataset, page.journeytraceConfig);
if (dataset.autoInit !== 'false' && (initial.serviceName || initial.OTEL_SERVICE_NAME || dataset.autoInit === 'true')) api.init();
