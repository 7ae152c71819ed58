/**
 * `OTEL_LOG_LEVEL` for the page: the SDK's own diagnostics (options it could not use, spans it
 * dropped, baggage over the W3C limits) on the console. Without it they go to OpenTelemetry's
 * `diag`, which has no logger unless the app installed one.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import type { DiagLogger } from '@opentelemetry/api';
import { installDiagLogger as installDiagLoggerAs } from '@journeytrace/contract';

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

export type { LogLevel } from '@journeytrace/contract';

/**
 * Installs a console logger for `diag` at `value` (any case), by the contract's reading of
 * `OTEL_LOG_LEVEL` (the edge and Node read it the same way). Unset or empty, nothing is
 * installed; an unknown value means `info` and says so. `logger` is the console's (tests pass their own).
 */
export function installDiagLogger(value: string | undefined, logger: DiagLogger = consoleLogger): void {
  installDiagLoggerAs(value, logger);
}
