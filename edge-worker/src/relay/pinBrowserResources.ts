/**
 * What a relayed batch may say about where it comes from. A browser can write any resource it
 * likes; unchecked, a batch naming itself `payment` would be stored as that backend service,
 * its ERROR spans included. So only the browser services the relay is configured for pass, and
 * every relayed resource says it was relayed, which collectors (tail sampling) and backends can
 * tell apart from the spans the company's own services report.
 */
import type { OtlpKeyValue, OtlpResourceSpans, OtlpTraceRequest, RejectedSpans } from './otlpTypes.js';

/** Set to `true` on the resource of every span the relay forwards; a browser cannot set or clear it. */
export const ATTR_JOURNEYTRACE_RELAYED = 'journeytrace.relayed';

/**
 * The browser services accepted by default: the web SDK's own default `service.name`
 * (`unknown_service:webjs`, what `init()` reports without a `serviceName`). A page that names
 * itself (`init({ serviceName: 'shop-web' })`) must be listed in `serviceNames`.
 */
export const DEFAULT_RELAYED_SERVICE_NAMES: readonly string[] = ['unknown_service:webjs'];

const SERVICE_NAME = 'service.name';

function serviceNameOf(attributes: readonly OtlpKeyValue[]): string | undefined {
  const value = attributes.find((attribute) => attribute.key === SERVICE_NAME)?.value;
  return value && 'stringValue' in value ? value.stringValue : undefined;
}

function spanCountOf(resourceSpans: OtlpResourceSpans): number {
  let count = 0;
  for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
  return count;
}

/**
 * Leaves out, in place, the resources whose `service.name` is not in `serviceNames` (or that
 * name none), and stamps `journeytrace.relayed=true` on the rest. Run it after the attribute
 * filter, which keeps one entry per key: the name checked is the only one forwarded.
 */
export function pinBrowserResources(request: OtlpTraceRequest, serviceNames: ReadonlySet<string>, rejected?: RejectedSpans): RejectedSpans | undefined {
  const kept: OtlpResourceSpans[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const attributes = resourceSpans.resource.attributes;
    const serviceName = serviceNameOf(attributes);
    if (serviceName !== undefined && serviceNames.has(serviceName)) {
      resourceSpans.resource.attributes = attributes.filter((attribute) => attribute.key !== ATTR_JOURNEYTRACE_RELAYED);
      resourceSpans.resource.attributes.push({ key: ATTR_JOURNEYTRACE_RELAYED, value: { boolValue: true } });
      kept.push(resourceSpans);
      continue;
    }
    const count = spanCountOf(resourceSpans);
    if (count === 0) continue;
    const reason =
      serviceName === undefined
        ? 'the resource has no service.name'
        : `service.name ${JSON.stringify(serviceName.slice(0, 64))} is not a browser service this relay accepts`;
    rejected = rejected ? { count: rejected.count + count, reason: rejected.reason } : { count, reason };
  }
  request.resourceSpans = kept;
  return rejected;
}
