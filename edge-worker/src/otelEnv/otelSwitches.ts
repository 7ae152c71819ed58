/**
 * The OpenTelemetry switches the edge reads from its bindings (Workers have no `process.env`):
 * `OTEL_SDK_DISABLED=true` turns the edge's telemetry off (a kill switch that needs no code
 * change), `OTEL_METRICS_EXPORTER=none` turns off the HTTP metrics alone, and
 * `OTEL_TRACES_EXPORTER=none` the sending of spans alone.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import { diag } from '@opentelemetry/api';

export interface OtelSwitchBindings {
  /** `true` (any case): no spans, no metrics, no trace headers; requests pass through untouched. */
  OTEL_SDK_DISABLED?: string;
  /** `none`: no HTTP metrics are recorded or sent. `otlp` (the default) is the only exporter the edge has. */
  OTEL_METRICS_EXPORTER?: string;
  /** `none`: spans are made (ids, propagation, `Server-Timing`, exemplars) but not sent. `otlp` is the default. */
  OTEL_TRACES_EXPORTER?: string;
}

/** The spec's boolean rule: only `true`, in any case, is true; any other value leaves the SDK on. */
export function sdkDisabled(env: OtelSwitchBindings): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}

const warnedExporterValues = new Set<string>();

/**
 * Whether a signal's exporter list (`OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`, comma-separated) keeps its OTLP
 * exporter: unset, empty or naming `otlp` keeps it; `none` alone turns it off. Other names are
 * exporters the edge does not have: warned about once, and OTLP is kept.
 */
export function otlpExporterSelected(value: string | undefined, variable: string): boolean {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0 || names.includes('otlp')) return true;
  if (names.every((name) => name === 'none')) return false;
  const key = `${variable}=${value}`;
  if (!warnedExporterValues.has(key)) {
    warnedExporterValues.add(key);
    diag.warn(`journeytrace: ${variable}=${value} names no exporter the edge has (otlp, none); using otlp`);
  }
  return true;
}
