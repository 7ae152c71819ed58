/**
 * How much of a browser span the relay forwards: OpenTelemetry's span limits, named as the
 * SDKs name them, with the SDKs' defaults (128 of each), and a cap on value length that the
 * SDKs leave unset but a relay facing the open web cannot.
 * @see https://opentelemetry.io/docs/specs/otel/common/#attribute-limits
 * @see https://opentelemetry.io/docs/specs/otel/trace/sdk/#span-limits
 */
export interface SpanLimits {
  /** Attributes per span and per resource (`OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`'s default). Default 128. */
  attributeCountLimit?: number;
  /** Longest string value, in UTF-16 code units; longer ones are cut (also inside arrays). Default 8192. */
  attributeValueLengthLimit?: number;
  /** Events per span (`OTEL_SPAN_EVENT_COUNT_LIMIT`). Default 128. */
  eventCountLimit?: number;
  /** Links per span (`OTEL_SPAN_LINK_COUNT_LIMIT`). Default 128. */
  linkCountLimit?: number;
  /** Attributes per event (`OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`). Default 128. */
  attributePerEventCountLimit?: number;
  /** Attributes per link (`OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`). Default 128. */
  attributePerLinkCountLimit?: number;
}

export const DEFAULT_ATTRIBUTE_COUNT_LIMIT = 128;
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 8192;
export const DEFAULT_EVENT_COUNT_LIMIT = 128;
export const DEFAULT_LINK_COUNT_LIMIT = 128;

/** Spans per request forwarded by default: the web SDK's batch size (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`'s default). */
export const DEFAULT_MAX_SPANS_PER_BATCH = 512;

export type ResolvedSpanLimits = Required<SpanLimits>;

/**
 * A count from the options: a non-negative safe integer, else (warned about once, when the
 * relay's config is resolved) the default.
 */
export function countOption(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && value >= 0) return value;
  console.warn(`journeytrace relay: ignoring ${name}=${String(value)} (not a non-negative integer), using ${fallback}`);
  return fallback;
}

/** The `OTEL_*` span and attribute limits, as the SDK environment spec names them. */
export interface SpanLimitBindings {
  OTEL_ATTRIBUTE_COUNT_LIMIT?: string;
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT?: string;
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT?: string;
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT?: string;
  OTEL_SPAN_EVENT_COUNT_LIMIT?: string;
  OTEL_SPAN_LINK_COUNT_LIMIT?: string;
  OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT?: string;
  OTEL_LINK_ATTRIBUTE_COUNT_LIMIT?: string;
}

/**
 * The limits the bindings set (the span-specific names before the general `OTEL_ATTRIBUTE_*`
 * ones, as the spec orders them); a limit they leave unset stays unset, so the default applies.
 * A value that is not a non-negative integer is warned about and ignored.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#span-limits
 */
export function spanLimitsFromEnv(env: SpanLimitBindings): SpanLimits {
  const read = (...names: Array<keyof SpanLimitBindings>): number | undefined => {
    for (const name of names) {
      const value = env[name]?.trim();
      if (!value) continue;
      const limit = Number(value);
      if (Number.isSafeInteger(limit) && limit >= 0) return limit;
      console.warn(`journeytrace relay: ignoring ${name}=${JSON.stringify(env[name])} (not a non-negative integer)`);
    }
    return undefined;
  };
  const limits: SpanLimits = {
    attributeCountLimit: read('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit: read('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    eventCountLimit: read('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: read('OTEL_SPAN_LINK_COUNT_LIMIT'),
    attributePerEventCountLimit: read('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT'),
    attributePerLinkCountLimit: read('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT'),
  };
  return Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined));
}

export function resolveSpanLimits(limits: SpanLimits = {}): ResolvedSpanLimits {
  const count = (name: keyof SpanLimits, fallback: number) => countOption(limits[name], `spanLimits.${name}`, fallback);
  return {
    attributeCountLimit: count('attributeCountLimit', DEFAULT_ATTRIBUTE_COUNT_LIMIT),
    attributeValueLengthLimit: count('attributeValueLengthLimit', DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT),
    eventCountLimit: count('eventCountLimit', DEFAULT_EVENT_COUNT_LIMIT),
    linkCountLimit: count('linkCountLimit', DEFAULT_LINK_COUNT_LIMIT),
    attributePerEventCountLimit: count('attributePerEventCountLimit', DEFAULT_ATTRIBUTE_COUNT_LIMIT),
    attributePerLinkCountLimit: count('attributePerLinkCountLimit', DEFAULT_ATTRIBUTE_COUNT_LIMIT),
  };
}
