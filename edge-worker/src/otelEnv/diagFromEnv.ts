/**
 * `OTEL_LOG_LEVEL` for the edge: its own diagnostics (failed and retried exports, held spans, a
 * failing user verifier, ignored settings) as JSON log lines, which `wrangler tail` and the
 * `wrangler dev` output show. A worker has no `process.env` and no console logger by default, so
 * without this they go nowhere.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
import type { DiagLogger } from '@opentelemetry/api';
import { installDiagLogger, log } from '@journeytrace/contract';

export interface DiagBindings {
  /** `none`, `error`, `warn`, `info`, `debug`, `verbose` or `all` (any case). Unset: no logger is installed. */
  OTEL_LOG_LEVEL?: string;
}

/** One `journeytrace.diag` line per message: `{"msg":"journeytrace.diag","level":"warn","message":"…"}`. */
const jsonDiagLogger: DiagLogger = {
  error: (message, ...args) => write('error', message, args),
  warn: (message, ...args) => write('warn', message, args),
  info: (message, ...args) => write('info', message, args),
  debug: (message, ...args) => write('debug', message, args),
  verbose: (message, ...args) => write('verbose', message, args),
};

let installedValue: string | undefined;

/**
 * Installs the JSON diag logger at the level `OTEL_LOG_LEVEL` names, once per value (the isolate
 * keeps it). Unset or empty, nothing is installed, as the OpenTelemetry SDKs do: a logger the
 * worker set itself stays. An unknown value means `info`, the spec's default, and says so.
 */
export function installDiagLoggerFromEnv(env: DiagBindings): void {
  const value = env.OTEL_LOG_LEVEL?.trim().toLowerCase();
  if (!value || value === installedValue) return;
  installedValue = value;
  installDiagLogger(env.OTEL_LOG_LEVEL, jsonDiagLogger);
}

function write(level: string, message: string, args: unknown[]): void {
  const text = args.length === 0 ? message : `${message} ${args.map(describe).join(' ')}`;
  log('journeytrace.diag', { level, message: text });
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
