/**
 * OpenTelemetry for the demo's Node origin services, set up as the seed article does: `NodeSDK`
 * with auto-instrumentation (http, gRPC, kafkajs), W3C trace context and baggage, ParentBased +
 * TraceIdRatioBased head sampling that keeps the edge's decision, allow-listed baggage promoted
 * to span attributes, OTLP/HTTP export that outlasts a collector outage. Configured by the
 * `OTEL_*` environment (endpoint, headers, batch delay, sampler, resource attributes).
 * Call `startNodeTracing` before anything that serves or sends.
 */
import { createRequire } from 'node:module';
import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { getNumberFromEnv, parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { BaggageSpanProcessor } from '@journeytrace/edge/baggage-span-processor';
import { HttpMetrics } from '@journeytrace/edge/metrics';
import { W3CPropagator } from '@journeytrace/edge/propagation';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { RetryingSpanExporter } from './RetryingSpanExporter.js';

/** `deployment.environment.name` (incubating; copied rather than imported from the incubating entry). */
export const ATTR_DEPLOYMENT_ENVIRONMENT_NAME = 'deployment.environment.name';
/** The services' version: the demo app's package version. */
const SERVICE_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export interface NodeTracing {
  shutdown(): Promise<void>;
}

let metrics: HttpMetrics | undefined;

/** The service's HTTP duration histograms, once `startNodeTracing` has run. */
export function httpMetrics(): HttpMetrics | undefined {
  return metrics;
}

/**
 * The head sampler when `OTEL_TRACES_SAMPLER` does not name one (NodeSDK reads it then): a
 * journey the edge sampled stays sampled and one it dropped stays dropped (ParentBased); a
 * request with no parent is sampled at `OTEL_TRACES_SAMPLER_ARG` (default 1).
 * @see https://opentelemetry.io/docs/languages/sdk-configuration/general/#otel_traces_sampler
 */
export function headSampler(env: Record<string, string | undefined> = process.env): Sampler | undefined {
  if (env.OTEL_TRACES_SAMPLER) return undefined;
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim() || '1';
  let ratio = Number(raw);
  if (!(ratio >= 0 && ratio <= 1)) {
    diag.warn(`journeytrace: OTEL_TRACES_SAMPLER_ARG=${raw} is not a ratio between 0 and 1; using 1`);
    ratio = 1;
  }
  return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
}

/**
 * A BatchSpanProcessor configured by `OTEL_BSP_SCHEDULE_DELAY`, `OTEL_BSP_MAX_QUEUE_SIZE`,
 * `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` and `OTEL_BSP_EXPORT_TIMEOUT`. In OpenTelemetry JS 3 the
 * processor no longer reads them itself (NodeSDK does, but only for its `traceExporter` option,
 * which leaves no room for the baggage processor): unread, the origin's spans waited 5 s.
 */
export function batchSpanProcessorFromEnv(exporter: SpanExporter): BatchSpanProcessor {
  return new BatchSpanProcessor({
    exporter,
    scheduledDelayMillis: getNumberFromEnv('OTEL_BSP_SCHEDULE_DELAY'),
    maxQueueSize: getNumberFromEnv('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: getNumberFromEnv('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    exportTimeoutMillis: getNumberFromEnv('OTEL_BSP_EXPORT_TIMEOUT'),
  });
}

export function startNodeTracing(serviceName: string): NodeTracing {
  // Telemetry problems (an export that failed, a dropped span) are said, never silent.
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  const sampler = headSampler();
  const sdk = new NodeSDK({
    // Merged over the default resource (telemetry.sdk.language=nodejs); OTEL_RESOURCE_ATTRIBUTES
    // and OTEL_SERVICE_NAME (NodeSDK's env detector) override these defaults.
    resource: defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: SERVICE_VERSION, [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: 'development' }),
    ),
    ...(sampler ? { sampler } : {}),
    spanProcessors: [
      new BaggageSpanProcessor(),
      // Reads OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS (the collector's
      // `Authorization=Bearer%20<token>`) and OTEL_BSP_* from the environment. The
      // retrying wrapper holds what the collector could not take (a restart, an outage) and sends
      // it again once it is back: up to OTEL_EXPORTER_OTLP_RETRY_MAX_QUEUE_SIZE spans, drops reported.
      batchSpanProcessorFromEnv(new RetryingSpanExporter(new OTLPTraceExporter())),
    ],
    // On the wire the edge's propagator, not @opentelemetry/core's: baggage keys are read in the
    // one canonical form the edge verified claims on (core's decodes `user%2Etier` into
    // `user.tier`, a bypass). NodeSDK installs it with the AsyncLocalStorage context manager.
    textMapPropagator: new W3CPropagator(),
    // The kit's own HTTP metrics below (with exemplars) are the services' metrics; none from
    // NodeSDK's env defaults (OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER would add OTLP exporters).
    metricReaders: [],
    logRecordProcessors: [],
    // The individual instrumentations the services use, rather than the
    // auto-instrumentations-node meta package (dozens of instrumentations loaded for three).
    instrumentations: [
      // Readiness probes and the orders worker's outcome board make no traces.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => request.url === '/health' || request.url?.startsWith('/results/') === true }),
      new GrpcInstrumentation(),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  // ESM imports of node:http share this object; requiring it lets the instrumentation patch it.
  createRequire(import.meta.url)('node:http');

  // HTTP duration histograms with exemplars (the metrics SDK of this OpenTelemetry JS line
  // records no exemplars), sent every OTEL_METRIC_EXPORT_INTERVAL ms.
  const endpoint = (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318').replace(/\/+$/, '');
  metrics = new HttpMetrics({ metricsUrl: `${endpoint}/v1/metrics`, headers: otlpMetricsHeaders(), resource: { [ATTR_SERVICE_NAME]: serviceName } });
  const interval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000;
  const timer = setInterval(() => void metrics?.flush(), interval);
  timer.unref();
  return {
    shutdown: async () => {
      clearInterval(timer);
      await Promise.all([sdk.shutdown(), metrics?.flush()]);
    },
  };
}

/**
 * The metrics request headers as the stock OTLP exporters read them: `OTEL_EXPORTER_OTLP_HEADERS`,
 * overridden per key by `OTEL_EXPORTER_OTLP_METRICS_HEADERS` (`key=value` pairs, values
 * percent-encoded), parsed by the same function, so traces and metrics carry the same credentials.
 */
function otlpMetricsHeaders(): Record<string, string> {
  return { ...parseKeyPairsIntoRecord(process.env.OTEL_EXPORTER_OTLP_HEADERS), ...parseKeyPairsIntoRecord(process.env.OTEL_EXPORTER_OTLP_METRICS_HEADERS) };
}

/** JSON log lines with trace_id and span_id (the same shape as the edge worker's). */
export { log } from '@journeytrace/edge/log';
