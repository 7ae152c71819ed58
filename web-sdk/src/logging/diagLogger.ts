/**
 * `OTEL_LOG_LEVEL` for the page: the SDK's own diagnostics (options it could not use, spans it
 * dropped, baggage over the W3C limits) on the console. Without it they go to OpenTelemetry's
 * `diag`, which has no logger unless the app installed one.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import { diag, DiagConsoleLogger, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { diagLogLevelFromString } from '@opentelemetry/core';

/** The levels of `OTEL_LOG_LEVEL`. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/**
 * Installs a console logger for `diag` at `value` (any case). Unset or empty, nothing is
 * installed, as the OpenTelemetry SDKs do: a logger the app set itself stays. An unknown value
 * means `info`, the spec's default, and says so. `logger` is the console's (tests pass their own).
 */
export function installDiagLogger(value: string | undefined, logger: DiagLogger = new DiagConsoleLogger()): void {
  const name = value?.trim().toLowerCase();
  if (!name) return;
  // OpenTelemetry's own reading of the name; an unknown one comes back as INFO (its warning,
  // made before any logger is installed, is lost: ours follows).
  const level = diagLogLevelFromString(name) ?? DiagLogLevel.INFO;
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  if (level === DiagLogLevel.INFO && name !== 'info') diag.warn(`journeytrace: OTEL_LOG_LEVEL=${JSON.stringify(value)} is not a level (none, error, warn, info, debug, verbose, all); using info`);
}
