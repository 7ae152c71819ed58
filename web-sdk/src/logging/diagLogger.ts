/**
 * `OTEL_LOG_LEVEL` for the page: the SDK's own diagnostics (options it could not use, spans it
 * dropped, baggage over the W3C limits) on the console. Without it they go to OpenTelemetry's
 * `diag`, which has no logger unless the app installed one.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

/**
 * `diag` on the console, level by level as the API's `DiagConsoleLogger` writes it (verbose as
 * `console.trace`), in a fraction of its bytes: the SDK's size is a feature.
 */
const consoleLogger = Object.fromEntries(
  (['error', 'warn', 'info', 'debug', 'verbose'] as const).map((level) => [
    level,
    (message: string, ...args: unknown[]) => (console[level === 'verbose' ? 'trace' : level] ?? console.log)(message, ...args),
  ]),
) as unknown as DiagLogger;

/** The levels of `OTEL_LOG_LEVEL`. */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/**
 * Installs a console logger for `diag` at `value` (any case). Unset or empty, nothing is
 * installed, as the OpenTelemetry SDKs do: a logger the app set itself stays. An unknown value
 * means `info`, the spec's default, and says so. `logger` is the console's (tests pass their own).
 */
export function installDiagLogger(value: string | undefined, logger: DiagLogger = consoleLogger): void {
  const name = value?.trim().toLowerCase();
  if (!name) return;
  // DiagLogLevel names its levels in capitals (NONE, ERROR, ..., ALL), as OTEL_LOG_LEVEL does
  // (read here rather than with core's diagLogLevelFromString, which costs the bundle more). A
  // digit names no level: the enum maps numbers back to names.
  const named: unknown = DiagLogLevel[name.toUpperCase() as keyof typeof DiagLogLevel];
  const level = typeof named === 'number' ? (named as DiagLogLevel) : DiagLogLevel.INFO;
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  if (level === DiagLogLevel.INFO && name !== 'info') diag.warn(`journeytrace: OTEL_LOG_LEVEL=${JSON.stringify(value)} is not a level (none, error, warn, info, debug, verbose, all); using info`);
}
