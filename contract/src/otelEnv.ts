/**
 * @module
 * The `OTEL_*` settings every runtime reads, read one way: the browser (options), the edge
 * (bindings) and Node (`process.env`) pass their own record in.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

export type OtlpSignal = 'traces' | 'metrics' | 'logs';

export interface OtlpEndpointEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT?: string;
}

/** `${base}/v1/${signal}`: the one place the signal path is joined to a base URL. */
export function otlpSignalUrl(base: string, signal: OtlpSignal): string {
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

/** A signal's URL: `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/<signal>`. */
export function otlpEndpointFromEnv(env: OtlpEndpointEnv, signal: OtlpSignal): string | undefined {
  const specific = env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase() as Uppercase<OtlpSignal>}_ENDPOINT`]?.trim();
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? otlpSignalUrl(base, signal) : undefined;
}

/**
 * `key=value` pairs separated by commas, keys and values percent-decoded and trimmed: the
 * syntax of `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`. A pair without `=` or
 * key, or with a malformed escape, is skipped (and said) rather than failing every export.
 * Bounded: at most `maxPairs` pairs are read.
 */
export function parseKeyValuePairs(value: string | undefined, warn: (message: string) => void = diag.warn, maxPairs = 128): Record<string, string> {
  const pairs: Record<string, string> = Object.create(null);
  if (!value?.trim()) return pairs;
  for (const pair of value.split(',', maxPairs)) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf('=');
    try {
      if (eq <= 0) throw new Error('no key=value');
      const key = decodeURIComponent(pair.slice(0, eq).trim());
      if (!key) throw new Error('empty key');
      pairs[key] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      warn(`journeytrace: skipping the malformed pair ${JSON.stringify(pair.slice(0, 64))} (key=value, percent-encoded)`);
    }
  }
  return pairs;
}

/** The OTLP request headers for a signal: `OTEL_EXPORTER_OTLP_HEADERS`, overridden per key by `OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS`. */
export function otlpHeadersFromEnv(env: Record<string, string | undefined>, signal: OtlpSignal, warn?: (message: string) => void): Record<string, string> {
  return {
    ...parseKeyValuePairs(env.OTEL_EXPORTER_OTLP_HEADERS, warn),
    ...parseKeyValuePairs(env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_HEADERS`], warn),
  };
}

/** The levels of `OTEL_LOG_LEVEL`. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/**
 * Installs `logger` for `diag` at the level `value` names (any case). Unset or empty, nothing is
 * installed, as the OpenTelemetry SDKs do: a logger the app set itself stays. An unknown value
 * means `info`, the spec's default, and says so. Returns whether a logger was installed.
 */
export function installDiagLogger(value: string | undefined, logger: DiagLogger): boolean {
  const name = value?.trim().toLowerCase();
  if (!name) return false;
  // DiagLogLevel names its levels in capitals (NONE, ERROR, ..., ALL), as OTEL_LOG_LEVEL does. A
  // digit names no level: the enum maps numbers back to names.
  const named: unknown = DiagLogLevel[name.toUpperCase() as keyof typeof DiagLogLevel];
  const level = typeof named === 'number' ? (named as DiagLogLevel) : DiagLogLevel.INFO;
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  if (typeof named !== 'number')
    diag.warn(`journeytrace: OTEL_LOG_LEVEL=${JSON.stringify(value)} is not a level (none, error, warn, info, debug, verbose, all); using info`);
  return true;
}

/** A numeric setting's range and what stands in for a bad value. */
export interface NumberSetting {
  readonly min: number;
  readonly max: number;
  /** Used for an unreadable value; `undefined` leaves the choice to the caller's default. */
  readonly fallback?: number;
}

/**
 * A numeric option or `OTEL_*` value: unset or empty gives `fallback`; a value that is not a
 * number gives `fallback`; one out of range is clamped. Either is said through `warn`, never
 * silently dropped (the kit's rule).
 */
export function readNumberSetting(name: string, value: unknown, setting: NumberSetting, warn: (message: string) => void = diag.warn): number | undefined {
  if (value === undefined || value === null || value === '') return setting.fallback;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  const fallbackText = setting.fallback === undefined ? 'the default' : JSON.stringify(setting.fallback);
  if (typeof n !== 'number' || Number.isNaN(n) || (typeof value === 'string' && !value.trim())) {
    warn(`journeytrace: ${name}=${JSON.stringify(value)} is not valid; using ${fallbackText}`);
    return setting.fallback;
  }
  const clamped = Math.min(setting.max, Math.max(setting.min, n));
  if (clamped !== n) warn(`journeytrace: ${name}=${JSON.stringify(value)} is not valid; using ${JSON.stringify(clamped)}`);
  return clamped;
}

/** The batch span processor settings every runtime reads, with the kit's defaults (a 1 s delay, not the spec's 5 s: journeys are judged by a tail sampler waiting seconds) and bounds. */
export const BATCH_SPAN_PROCESSOR_ENV = {
  scheduledDelayMillis: { env: 'OTEL_BSP_SCHEDULE_DELAY', fallback: 1000, min: 0, max: 600_000 },
  maxQueueSize: { env: 'OTEL_BSP_MAX_QUEUE_SIZE', fallback: 2048, min: 1, max: 100_000 },
  maxExportBatchSize: { env: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', fallback: 512, min: 1, max: 100_000 },
} as const satisfies Record<string, NumberSetting & { env: string }>;
