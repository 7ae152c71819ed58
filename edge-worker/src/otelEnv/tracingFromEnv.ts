import { ExportResultCode } from '@opentelemetry/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { createEdgeTracing, type EdgeTracing, type EdgeTracingConfig } from '../tracing/edgeTracing.js';
import { DISABLED_TRACING } from '../tracing/disabledTracing.js';
import { otlpHeaders, otlpMetricsUrl, otlpTracesUrl, type OtlpBindings } from './otlpEnv.js';
import { otlpExporterSelected, sdkDisabled, type OtelSwitchBindings } from './otelSwitches.js';
import { installDiagLoggerFromEnv, type DiagBindings } from './diagFromEnv.js';
import { samplerFromEnv } from '../tracer/sampler.js';
import { BATCH_SPAN_PROCESSOR_ENV, readNumberSetting } from '@journeytrace/contract';
import { spillSpansTo } from '../spill/spillTo.js';
import { spillFromEnv } from '../spill/spillFromEnv.js';
import type { SpillNamespace } from '../spill/types.js';

export interface TracingBindings extends OtlpBindings, OtelSwitchBindings, DiagBindings {
  OTEL_SERVICE_NAME?: string;
  /**
   * Head sampling: `parentbased_always_on` (default), `parentbased_traceidratio`, `traceidratio`,
   * `parentbased_always_off`, `always_on` or `always_off`.
   */
  OTEL_TRACES_SAMPLER?: string;
  /** The ratio (0..1) of the `traceidratio` samplers. Default 1. */
  OTEL_TRACES_SAMPLER_ARG?: string;
  /** Milliseconds between metrics exports (OpenTelemetry's name). Default 10000. */
  OTEL_METRIC_EXPORT_INTERVAL?: string;
  /** Longest a span waits in the isolate's buffer while other requests are in flight, ms. Default 1000. */
  OTEL_BSP_SCHEDULE_DELAY?: string;
  /** Spans per export request. Default 512. */
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE?: string;
  /** Spans held at most (buffered and awaiting retry). Default 2048. */
  OTEL_BSP_MAX_QUEUE_SIZE?: string;
  /** Approximate bytes awaiting retry at most. Default 4194304 (4 MiB). */
  JOURNEYTRACE_BSP_MAX_QUEUE_BYTES?: string;
  /** `false` keeps spans for `OTEL_BSP_SCHEDULE_DELAY` even when no other request is in flight. Default `true`. */
  JOURNEYTRACE_BSP_FLUSH_WHEN_IDLE?: string;
  /**
   * The `JourneytraceSpill` Durable Object namespace: spans the collector cannot take now are
   * written there and sent later (spill/). Without it they wait in the isolate's memory.
   */
  JOURNEYTRACE_SPILL?: SpillNamespace;
  /** Spill objects to spread batches over, 1 to 64. Default 1. */
  JOURNEYTRACE_SPILL_SHARDS?: string;
}

/**
 * `OTEL_TRACES_EXPORTER=none`: the spans are still made, so the trace still crosses the edge
 * (traceparent to origins, `Server-Timing`, metric exemplars), and none is sent.
 */
const NO_SPAN_EXPORT: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};

/** What `trace()` (or a handler sharing its pipeline) may set over the bindings. */
export type TracingOverrides = Partial<Pick<EdgeTracingConfig, 'serviceName' | 'promotedBaggageKeys'>>;

/**
 * The isolate's `EdgeTracing` for a set of `OTEL_*` bindings, built on first use and reused
 * (one exporter per bindings object and overrides). For handlers outside the `trace()` middleware,
 * such as a queue consumer: without overrides it is the tracing `trace()` uses by default. With
 * `OTEL_SDK_DISABLED=true`, a tracing that records and sends nothing. Installs the JSON diag
 * logger when `OTEL_LOG_LEVEL` is set. `env` is the worker's own bindings object (its `Env`);
 * the `OTEL_*` names it declares must be strings.
 */
export function tracingFromEnv(env: object & TracingBindings, defaultServiceName = 'edge-worker', overrides: TracingOverrides = {}): EdgeTracing {
  // The one place bindings become a tracing. Callers ask per request or per queue batch; the
  // bindings object is the isolate's own (workerd passes the same one to every request), so it
  // is read once, and what it built lives as long as it does.
  let tracings = tracingsByBindings.get(env);
  if (!tracings) {
    tracings = new Map();
    tracingsByBindings.set(env, tracings);
  }
  const key = overridesKey(defaultServiceName, overrides);
  let tracing = tracings.get(key);
  if (!tracing) {
    tracing = readBindings(env, defaultServiceName, overrides);
    tracings.set(key, tracing);
  }
  return tracing;
}

/** Per bindings object, its tracings by overrides (almost always one: no overrides). */
const tracingsByBindings = new WeakMap<object, Map<string, EdgeTracing>>();

/** Tells overrides apart without serializing a configuration (baggage keys hold no newline). */
function overridesKey(defaultServiceName: string, { serviceName, promotedBaggageKeys }: TracingOverrides): string {
  const set = (value: string | undefined) => (value === undefined ? '' : `=${value}`);
  return `${defaultServiceName}\n${set(serviceName)}\n${set(promotedBaggageKeys?.join('\n'))}`;
}

function readBindings(env: TracingBindings, defaultServiceName: string, overrides: TracingOverrides): EdgeTracing {
  installDiagLoggerFromEnv(env);
  if (sdkDisabled(env)) return DISABLED_TRACING;
  return createEdgeTracing({
    serviceName: overrides.serviceName ?? env.OTEL_SERVICE_NAME ?? defaultServiceName,
    tracesUrl: otlpTracesUrl(env),
    exporter: otlpExporterSelected(env.OTEL_TRACES_EXPORTER, 'OTEL_TRACES_EXPORTER') ? undefined : NO_SPAN_EXPORT,
    metricsUrl: otlpExporterSelected(env.OTEL_METRICS_EXPORTER, 'OTEL_METRICS_EXPORTER') ? otlpMetricsUrl(env) : undefined,
    headers: otlpHeaders(env),
    promotedBaggageKeys: overrides.promotedBaggageKeys,
    sampler: samplerFromEnv(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG),
    metricsIntervalMillis: readNumberSetting('OTEL_METRIC_EXPORT_INTERVAL', env.OTEL_METRIC_EXPORT_INTERVAL, ANY_NON_NEGATIVE),
    batch: {
      scheduledDelayMillis: bspSetting(env, 'scheduledDelayMillis'),
      maxExportBatchSize: bspSetting(env, 'maxExportBatchSize'),
      maxQueueSize: bspSetting(env, 'maxQueueSize'),
      maxQueueBytes: readNumberSetting('JOURNEYTRACE_BSP_MAX_QUEUE_BYTES', env.JOURNEYTRACE_BSP_MAX_QUEUE_BYTES, ANY_NON_NEGATIVE),
      flushWhenIdle: env.JOURNEYTRACE_BSP_FLUSH_WHEN_IDLE === undefined ? undefined : env.JOURNEYTRACE_BSP_FLUSH_WHEN_IDLE.trim().toLowerCase() !== 'false',
      spill: spillSpansOf(spillFromEnv(env)),
    },
  });
}

const ANY_NON_NEGATIVE = { min: 0, max: Number.MAX_SAFE_INTEGER };

const spillSpansOf = (spill: ReturnType<typeof spillFromEnv>) => (spill ? spillSpansTo(spill) : undefined);

/**
 * An `OTEL_BSP_*` binding read by the contract's reader: unset gives the processor's default; a
 * bad value is warned (never silently dropped) and replaced by the default or clamped.
 */
function bspSetting(env: TracingBindings, name: keyof typeof BATCH_SPAN_PROCESSOR_ENV): number | undefined {
  const setting = BATCH_SPAN_PROCESSOR_ENV[name];
  return readNumberSetting(setting.env, env[setting.env], setting);
}
