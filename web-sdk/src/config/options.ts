import type { ContextManager } from '@opentelemetry/api';
import type { LogLevel } from '../logging/diagLogger.js';
import { BATCH_SPAN_PROCESSOR_ENV, otlpSignalUrl, parseKeyValuePairs, readNumberSetting } from '@journeytrace/contract';

/** The signed-in user, carried as baggage `user.tier` and `enduser.id`. */
export interface JourneyUser {
  /** Service tier (`free`, `premium`, `vip`): baggage `user.tier`, and the key of `sampleRateByTier`. */
  tier?: string;
  /** The user's id: baggage `enduser.id`. */
  id?: string;
}

/**
 * Options of `init`. Each one that has an OpenTelemetry environment variable can also be given
 * under that name (see `JourneyTraceEnv`), as the script-tag build does.
 */
export interface JourneyTraceOptions {
  /** `service.name` of the browser spans (`OTEL_SERVICE_NAME`). Default `unknown_service:webjs`. */
  serviceName?: string;
  /**
   * Base URL of an OTLP/HTTP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`): spans go to
   * `${collectorUrl}/v1/traces`. Needs CORS on the collector when cross-origin.
   */
  collectorUrl?: string;
  /**
   * Base URL of the edge relay: spans go to `${relayUrl}/v1/traces`, with the browser's clock in
   * the `journeytrace-sent-at` header. The default when neither is given is the page's own
   * origin (a same-origin relay).
   */
  relayUrl?: string;
  /**
   * Origins (`https://api.example`) or `RegExp`s that receive `traceparent`, `tracestate` and
   * `baggage`. The page's own origin always does; every other origin gets none. Default `[]`.
   */
  propagateTo?: ReadonlyArray<string | RegExp>;
  /** Share of sessions traced, 0..1 (`OTEL_TRACES_SAMPLER_ARG`). Default 1. */
  sampleRate?: number;
  /** Per-tier rates that replace `sampleRate`, e.g. `{ vip: 1 }`. Default `{}`. */
  sampleRateByTier?: Readonly<Record<string, number>>;
  /** The user, if already known. */
  user?: JourneyUser;
  /** A session ends after this long without activity, in ms. Default 30 minutes. */
  sessionInactivityTimeoutMillis?: number;
  /** A session ends this long after it began, in ms. Default 4 hours. */
  sessionMaxDurationMillis?: number;
  /** Delay before ended spans are exported, in ms (`OTEL_BSP_SCHEDULE_DELAY`). Default 1000. */
  scheduledDelayMillis?: number;
  /** Spans held at most while waiting for export (`OTEL_BSP_MAX_QUEUE_SIZE`). Default 2048. */
  maxQueueSize?: number;
  /** Spans per export request (`OTEL_BSP_MAX_EXPORT_BATCH_SIZE`). Default 512, at most `maxQueueSize`. */
  maxExportBatchSize?: number;
  /** `gzip` (where CompressionStream exists) or `none` (`OTEL_EXPORTER_OTLP_COMPRESSION`). Default `gzip`. */
  compression?: 'gzip' | 'none';
  /**
   * Keep what cannot be sent at page hide in IndexedDB and send it from the origin's next page
   * (bounded: 1 MiB, 24 h, oldest dropped and counted). Default true.
   */
  offlineStorage?: boolean;
  /** Extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES`), e.g. `{ 'deployment.environment.name': 'prod' }`. */
  resourceAttributes?: Readonly<Record<string, string>>;
  /** Click spans. Default true. */
  interactions?: boolean;
  /** Spans for SPA route changes (history API, through the Navigation API). Default true. */
  routeChanges?: boolean;
  /** The document-load span tree, joined to the server's trace. Default true. */
  documentLoad?: boolean;
  /** LCP, INP, CLS and TTFB as spans. Default true. */
  webVitals?: boolean;
  /** Uncaught errors and unhandled rejections as exception events. Default true. */
  errors?: boolean;
  /** An extra context manager consulted first, e.g. `zoneContextManager()` from `journeytrace/zone`. */
  contextManager?: ContextManager;
  /** Storage of the session. Default `localStorage`. */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * Shows the SDK's diagnostics (bad options, dropped spans) on the console from this level
   * (`OTEL_LOG_LEVEL`). Default: none installed, as in OpenTelemetry (a logger the app set stays).
   */
  logLevel?: LogLevel;
}

/** OpenTelemetry environment-variable names accepted in place of options (strings, as in an env). */
export interface JourneyTraceEnv {
  OTEL_SERVICE_NAME?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_TRACES_SAMPLER_ARG?: string;
  OTEL_BSP_SCHEDULE_DELAY?: string;
  OTEL_BSP_MAX_QUEUE_SIZE?: string;
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE?: string;
  OTEL_EXPORTER_OTLP_COMPRESSION?: string;
  OTEL_RESOURCE_ATTRIBUTES?: string;
  OTEL_LOG_LEVEL?: string;
}

type NumberOption =
  | 'sampleRate'
  | 'sessionInactivityTimeoutMillis'
  | 'sessionMaxDurationMillis'
  | 'scheduledDelayMillis'
  | 'maxQueueSize'
  | 'maxExportBatchSize';

/** Options with every default filled in and every value checked (numbers under their option names). */
export interface ResolvedConfig extends Record<NumberOption, number> {
  serviceName: string;
  /** Full URL the spans are posted to. */
  tracesUrl: string;
  /** Whether `tracesUrl` is a relay (gets the `journeytrace-sent-at` clock reading). */
  relay: boolean;
  propagateTo: ReadonlyArray<string | RegExp>;
  sampleRateByTier: Readonly<Record<string, number>>;
  user: JourneyUser;
  compression: 'gzip' | 'none';
  offlineStorage: boolean;
  resourceAttributes: Record<string, string>;
}

export const DEFAULT_SERVICE_NAME = 'unknown_service:webjs';
const MINUTE_MILLIS = 60_000;

/** Each numeric option: its OpenTelemetry name (if any), its default, and the range it is clamped into. */
export const NUMBER_OPTIONS: Readonly<Record<NumberOption, readonly [keyof JourneyTraceEnv | undefined, number, number, number]>> = {
  sampleRate: ['OTEL_TRACES_SAMPLER_ARG', 1, 0, 1],
  sessionInactivityTimeoutMillis: [undefined, 30 * MINUTE_MILLIS, 1000, 2 ** 31],
  sessionMaxDurationMillis: [undefined, 240 * MINUTE_MILLIS, 1000, 2 ** 31],
  ...bspOption('scheduledDelayMillis'),
  ...bspOption('maxQueueSize'),
  ...bspOption('maxExportBatchSize'),
};

/**
 * Resolves options once: option, then OTEL_* name, then default. Bad values never throw: each
 * is reported through `warn` and replaced by the default or clamped into range.
 */
export function resolveConfig(options: JourneyTraceOptions & JourneyTraceEnv, warn: (message: string) => void, pageOrigin: string | undefined): ResolvedConfig {
  const bad = (name: string, value: unknown, fallback: unknown) =>
    warn(`journeytrace: ${name}=${JSON.stringify(value)} is not valid; using ${JSON.stringify(fallback)}`);
  // The contract's reader: the edge and Node read OTEL_BSP_* the same way, and warn the same.
  const checked = (name: string, value: unknown, fallback: number, min: number, max: number): number =>
    readNumberSetting(name, value, { min, max, fallback }, warn) ?? fallback;
  // No prototype: a tier named `constructor` or `toString` must not read an inherited member.
  const sampleRateByTier: Record<string, number> = Object.create(null);
  for (const [tier, rate] of Object.entries(options.sampleRateByTier || {})) sampleRateByTier[tier] = checked(`sampleRateByTier.${tier}`, rate, 1, 0, 1);
  let compression = (options.compression ?? options.OTEL_EXPORTER_OTLP_COMPRESSION ?? 'gzip') as ResolvedConfig['compression'];
  if (compression !== 'gzip' && compression !== 'none') {
    bad('compression', compression, 'gzip');
    compression = 'gzip';
  }
  let propagateTo = options.propagateTo || [];
  if (!Array.isArray(propagateTo)) {
    bad('propagateTo', propagateTo, []);
    propagateTo = [];
  }
  // A relay unless only a collector is given; the page's own origin when neither is.
  const relayUrl = nonEmpty(options.relayUrl);
  const collectorUrl = nonEmpty(options.collectorUrl) || nonEmpty(options.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (relayUrl && collectorUrl) warn('journeytrace: both relayUrl and collectorUrl are set; using relayUrl');
  const config = {
    serviceName: nonEmpty(options.serviceName) || nonEmpty(options.OTEL_SERVICE_NAME) || DEFAULT_SERVICE_NAME,
    tracesUrl: otlpSignalUrl(relayUrl || collectorUrl || pageOrigin || '', 'traces'),
    relay: !!relayUrl || !collectorUrl,
    propagateTo,
    sampleRateByTier,
    user: { ...options.user },
    compression,
    offlineStorage: options.offlineStorage !== false,
    // `key=value,key2=value2`, values percent-decoded, bad pairs skipped: baggage's list syntax.
    resourceAttributes: { ...parseKeyValuePairs(options.OTEL_RESOURCE_ATTRIBUTES, warn), ...options.resourceAttributes },
  } as ResolvedConfig;
  for (const name of Object.keys(NUMBER_OPTIONS) as NumberOption[]) {
    const [env, fallback, min, max] = NUMBER_OPTIONS[name];
    config[name] = checked(name, options[name] ?? (env && options[env]), fallback, min, max);
  }
  // Counts of spans: whole numbers, a batch no larger than the queue.
  config.maxQueueSize = Math.round(config.maxQueueSize);
  const batchSize = Math.round(config.maxExportBatchSize);
  config.maxExportBatchSize = Math.min(batchSize, config.maxQueueSize);
  if (batchSize > config.maxQueueSize) bad('maxExportBatchSize', batchSize, config.maxQueueSize);
  return config;
}

/** An `OTEL_BSP_*` option as the contract states it: [env name, default, min, max]. */
function bspOption<K extends keyof typeof BATCH_SPAN_PROCESSOR_ENV>(name: K): Record<K, readonly [keyof JourneyTraceEnv, number, number, number]> {
  const { env, fallback, min, max } = BATCH_SPAN_PROCESSOR_ENV[name];
  const entry: readonly [keyof JourneyTraceEnv, number, number, number] = [env, fallback, min, max];
  return { [name]: entry } as Record<K, typeof entry>;
}

function nonEmpty(value: unknown): string | undefined {
  return (typeof value === 'string' && value.trim()) || undefined;
}
