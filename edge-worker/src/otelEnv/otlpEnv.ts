/**
 * The OTLP exporter settings from `OTEL_*` bindings, as the OpenTelemetry spec names them.
 * Workers have no `process.env`: callers pass `c.env` (or the queue handler's `env`).
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 */

export interface OtlpBindings {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?: string;
  /** `key=value` pairs separated by commas, values URL-encoded. */
  OTEL_EXPORTER_OTLP_HEADERS?: string;
}

/** The traces URL: the signal-specific endpoint as is, else `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`. */
export function otlpTracesUrl(env: OtlpBindings): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  return base ? `${base}/v1/traces` : undefined;
}

/** The metrics URL: the signal-specific endpoint as is, else `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/metrics`. */
export function otlpMetricsUrl(env: OtlpBindings): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) return env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  return base ? `${base}/v1/metrics` : undefined;
}

/** Parses `OTEL_EXPORTER_OTLP_HEADERS`; malformed pairs are skipped. */
export function otlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      headers[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      // A malformed %-escape: skip the pair rather than fail every export.
    }
  }
  return headers;
}
