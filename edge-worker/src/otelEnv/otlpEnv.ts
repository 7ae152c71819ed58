/**
 * The OTLP exporter settings from `OTEL_*` bindings, as the OpenTelemetry spec names them, read
 * by the contract's readers (`@journeytrace/contract`), the same as the browser's and Node's.
 * Workers have no `process.env`: callers pass `c.env` (or the queue handler's `env`).
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 */
import { otlpEndpointFromEnv, otlpHeadersFromEnv, type OtlpEndpointEnv } from '@journeytrace/contract';

export interface OtlpBindings extends OtlpEndpointEnv {
  /** `key=value` pairs separated by commas, values URL-encoded. */
  OTEL_EXPORTER_OTLP_HEADERS?: string;
}

/** The traces URL: the signal-specific endpoint as is, else `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`. */
export function otlpTracesUrl(env: OtlpBindings): string | undefined {
  return otlpEndpointFromEnv(env, 'traces');
}

/** The metrics URL: the signal-specific endpoint as is, else `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/metrics`. */
export function otlpMetricsUrl(env: OtlpBindings): string | undefined {
  return otlpEndpointFromEnv(env, 'metrics');
}

/** `OTEL_EXPORTER_OTLP_HEADERS` (malformed pairs skipped and warned). */
export function otlpHeaders(env: OtlpBindings): Record<string, string> {
  return otlpHeadersFromEnv(env as Record<string, string | undefined>, 'traces');
}
