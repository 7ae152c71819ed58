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
import {
  BaggageSpanProcessor,
  batchOptionsFromEnv,
  httpMetricsFromEnv,
  OTLPHttpSpanExporter,
  RetryingSpanExporter,
  W3CPropagator,
  type HttpMetrics,
} from '@journeytrace/node';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

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
      // `Authorization=Bearer%20<token>`) and OTEL_BSP_* from the environment (OpenTelemetry JS 3's
      // BatchSpanProcessor reads no environment itself). The
      // exporter makes one attempt; the retrying wrapper holds what the collector could not take
      // (a restart, an outage) and sends it again once it is back, by the contract's retry rules:
      // up to OTEL_EXPORTER_OTLP_RETRY_MAX_QUEUE_SIZE spans, drops reported.
      new BatchSpanProcessor({ ...batchOptionsFromEnv(), exporter: new RetryingSpanExporter(new OTLPHttpSpanExporter()) }),
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
  const nodeMetrics = httpMetricsFromEnv(serviceName);
  metrics = nodeMetrics.metrics;
  return {
    shutdown: async () => {
      await Promise.all([sdk.shutdown(), nodeMetrics.shutdown()]);
    },
  };
}

/** JSON log lines with trace_id and span_id (the same shape as the edge worker's). */
export { log } from '@journeytrace/node';
