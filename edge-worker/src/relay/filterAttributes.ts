/**
 * Which browser attributes reach the collector: only keys on an allow-list pass, credentials
 * are redacted and URLs lose their query string and fragment on the way (tokens and personal
 * data live there), and no span carries more than OpenTelemetry's span limits.
 */
import { RELAYED_JOURNEY_ATTRIBUTES } from '@journeytrace/contract';
import type { OtlpKeyValue, OtlpTraceRequest } from './otlpTypes.js';
import { redactAttribute } from './redactAttribute.js';
import { resolveSpanLimits, type ResolvedSpanLimits } from './spanLimits.js';

export { stripQuery } from './redactAttribute.js';

/** Resource attributes relayed by default. A trailing `*` matches a prefix. */
export const DEFAULT_RELAYED_RESOURCE_ATTRIBUTES: readonly string[] = [
  'service.name',
  'service.version',
  'service.namespace',
  'service.instance.id',
  'telemetry.sdk.*',
  'telemetry.distro.*',
  'deployment.environment.name',
  'browser.*',
  'user_agent.original',
  ...RELAYED_JOURNEY_ATTRIBUTES,
];

/**
 * Span, event and link attributes relayed by default. The journey's baggage keys come from the
 * contract's table (`RELAYED_JOURNEY_ATTRIBUTES`): the claimed ones, `user.tier` and
 * `enduser.id`, are not among them: on browser spans they are the page's claims, and tail
 * sampling keeps a whole trace for any span with a premium tier, so a relayed `user.tier=vip`
 * would force it. The edge's own spans carry the verified values; add the claims to
 * `spanAttributes` only where nothing decides on them.
 */
export const DEFAULT_RELAYED_SPAN_ATTRIBUTES: readonly string[] = [
  'http.*',
  'url.*',
  'server.address',
  'server.port',
  'network.protocol.*',
  'error.type',
  'exception.*',
  'user_agent.original',
  ...RELAYED_JOURNEY_ATTRIBUTES,
  'session.previous_id',
  'journey.*',
  'browser.*',
  'event.name',
  'web_vital.*',
  'component',
  'event_type',
  'target_element',
  'target_xpath',
];

/** Keys that hold nothing but the parts of a URL we never relay. */
const DROPPED_URL_KEYS = new Set(['url.query', 'url.fragment']);

/** Builds the predicate for an allow-list of exact keys and `prefix.*` patterns. */
export function attributeAllowList(patterns: readonly string[]): (key: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return (key) => !DROPPED_URL_KEYS.has(key) && (exact.has(key) || prefixes.some((prefix) => key.startsWith(prefix)));
}

/**
 * The allow-listed attributes of one list, each key once (the first wins: OTLP keys are unique,
 * and a second `service.name` must not ride behind the one checked), redacted, at most `countLimit`.
 */
function filterList(
  attributes: OtlpKeyValue[],
  allowed: (key: string) => boolean,
  countLimit: number,
  lengthLimit: number,
): { kept: OtlpKeyValue[]; dropped: number } {
  const kept: OtlpKeyValue[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const { key, value } of attributes) {
    if (seen.has(key) || !allowed(key)) continue;
    seen.add(key);
    if (kept.length >= countLimit) dropped += 1;
    else kept.push({ key, value: redactAttribute(key, value, lengthLimit) });
  }
  return { kept, dropped };
}

/** Filters `holder.attributes` in place, counting what the limit cut in `droppedAttributesCount`. */
function filterHolder(
  holder: { attributes: OtlpKeyValue[]; droppedAttributesCount?: number },
  allowed: (key: string) => boolean,
  countLimit: number,
  lengthLimit: number,
): void {
  const { kept, dropped } = filterList(holder.attributes, allowed, countLimit, lengthLimit);
  holder.attributes = kept;
  if (dropped > 0) holder.droppedAttributesCount = (holder.droppedAttributesCount ?? 0) + dropped;
}

export interface AttributeFilter {
  resource: (key: string) => boolean;
  span: (key: string) => boolean;
  /** The span limits; OpenTelemetry's defaults when not given. */
  limits?: ResolvedSpanLimits;
  /** Attributes added after filtering (the relay's own marks), kept within the count limit. */
  reserved?: { resource: number; span: number };
}

/**
 * Keeps, in place (the request is the relay's own copy), only allow-listed attributes, with
 * credentials redacted and URLs cleaned (see `redactAttribute`), and no more attributes, events
 * and links than the span limits allow; what the limits cut is counted in the `dropped*Count`
 * fields, as an SDK does.
 */
export function filterAttributes(request: OtlpTraceRequest, filter: AttributeFilter): void {
  const limits = filter.limits ?? resolveSpanLimits();
  const length = limits.attributeValueLengthLimit;
  const resourceCount = Math.max(0, limits.attributeCountLimit - (filter.reserved?.resource ?? 0));
  const spanCount = Math.max(0, limits.attributeCountLimit - (filter.reserved?.span ?? 0));
  for (const resourceSpans of request.resourceSpans) {
    filterHolder(resourceSpans.resource, filter.resource, resourceCount, length);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        filterHolder(span, filter.span, spanCount, length);
        if (span.events.length > limits.eventCountLimit) {
          span.droppedEventsCount = (span.droppedEventsCount ?? 0) + span.events.length - limits.eventCountLimit;
          span.events = span.events.slice(0, limits.eventCountLimit);
        }
        if (span.links.length > limits.linkCountLimit) {
          span.droppedLinksCount = (span.droppedLinksCount ?? 0) + span.links.length - limits.linkCountLimit;
          span.links = span.links.slice(0, limits.linkCountLimit);
        }
        for (const event of span.events) filterHolder(event, filter.span, limits.attributePerEventCountLimit, length);
        for (const link of span.links) filterHolder(link, filter.span, limits.attributePerLinkCountLimit, length);
      }
    }
  }
}
