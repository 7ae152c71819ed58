import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/paths.js';
import { ensureKafka, type KafkaInstall } from '../setup/kafka.js';
import { kafkaBrokerSpec } from './kafka.js';
import { originServiceSpecs, type OriginPorts } from './origin.js';
import { startService, type RunningService, type ServiceSpec } from './service.js';
import { DEV_SESSION_SECRET } from './devSecrets.js';
import { configWithVars } from './wranglerDev.js';

/** Every port the running journey uses (all on 127.0.0.1). */
export interface StackPorts extends OriginPorts {
  app: number;
  edge: number;
  edgeInspector: number;
  collectorHttp: number;
  collectorGrpc: number;
  collectorHealth: number;
}

export interface StackOptions {
  ports: StackPorts;
  /** Folder for this run's logs and worker state. */
  runDir: string;
  /** Where the collector writes kept traces (OTLP JSON lines). */
  tracesFile: string;
  /** The collector binary (unused with `otlpEndpoint`). */
  collectorBin?: string;
  /** Collector configs, merged in order (unused with `otlpEndpoint`). */
  collectorConfigs?: string[];
  /**
   * Send every service's OTLP here instead of starting a collector (e.g. the Playwright kit's
   * built-in receiver). The traces file then stays empty.
   */
  otlpEndpoint?: string;
  /** Extra collector environment (e.g. `JOURNEYTRACE_BASELINE_SAMPLE_PERCENT`), over the defaults. */
  collectorEnv?: NodeJS.ProcessEnv;
  /** Print the services' output, prefixed with their names. */
  echo?: boolean;
  /** Serve the edge's W3C trace-context test endpoint. Default: `EDGE_CONFORMANCE=1` in the environment. */
  edgeConformance?: boolean;
  /** Further bindings for the edge worker (wrangler `--var`), e.g. `ORIGIN_TIMEOUT_MS`. */
  edgeVars?: Record<string, string>;
  /**
   * The collector's bearer token, when its configs require one (config.production.yaml): given
   * to the collector as `JOURNEYTRACE_COLLECTOR_TOKEN` and to every hop that exports (edge worker,
   * origin services) as `OTEL_EXPORTER_OTLP_HEADERS`, as a deployment sets them.
   */
  collectorToken?: string;
  /** The Kafka broker's jars and Java. Default: `ensureKafka()` (the cached fetch). */
  kafka?: KafkaInstall;
}

export interface Stack {
  readonly urls: { app: string; edge: string; origin: string; collector: string };
  /** The Kafka broker's bootstrap address (`host:port`) for kafkajs clients. */
  readonly kafkaBrokers: string;
  /** This run's folder: service logs, worker state, the collector's files. */
  readonly runDir: string;
  readonly tracesFile: string;
  /** Where the collector writes metrics (OTLP JSON lines), beside the traces file. */
  readonly metricsFile: string;
  readonly services: readonly RunningService[];
  stop(): Promise<void>;
  /**
   * Stops one service (`how`: `stop`, SIGTERM with a grace, the default; `kill`, SIGKILL, a
   * crash), runs `whileDown`, then starts it again on its ports and waits until it is ready.
   */
  restart(name: string, whileDown?: () => Promise<void>, how?: 'stop' | 'kill'): Promise<void>;
}

const url = (port: number) => `http://127.0.0.1:${port}`;
const missing = (option: string): never => {
  throw new Error(`startStack: ${option} is required unless otlpEndpoint is given`);
};

/**
 * Starts the whole journey: collector, the Kafka broker, origin services (checkout-api and the services behind it), edge worker
 * (wrangler dev on workerd) and the demo app (vite preview of its build), and waits until each answers. All start at once:
 * the services' Kafka clients retry until the broker (about 4 s) listens.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { ports, runDir, echo } = options;
  mkdirSync(runDir, { recursive: true });
  mkdirSync(join(options.tracesFile, '..'), { recursive: true });
  const metricsFile = join(options.tracesFile, '..', 'metrics.jsonl');
  // The collector appends (so a restart keeps what it wrote); each stack starts with empty files.
  for (const file of [options.tracesFile, metricsFile]) writeFileSync(file, '');
  const urls = { app: url(ports.app), edge: url(ports.edge), origin: url(ports.origin), collector: options.otlpEndpoint ?? url(ports.collectorHttp) };
  const appOrigins = [urls.app, `http://localhost:${ports.app}`];
  const node = process.execPath;
  const bin = (pkg: string, file: string) => join(ROOT, 'node_modules', pkg, 'bin', file);
  const logFile = (name: string) => join(runDir, `${name}.log`);
  const token = options.collectorToken;
  const exportHeaders: Record<string, string> = token === undefined ? {} : { OTEL_EXPORTER_OTLP_HEADERS: otlpAuthorizationHeader(token) };

  const collector: ServiceSpec[] = options.otlpEndpoint
    ? []
    : [
        {
          name: 'collector',
          command: options.collectorBin ?? missing('collectorBin'),
          args: (options.collectorConfigs ?? missing('collectorConfigs')).flatMap((config) => ['--config', config]),
          env: {
            ...process.env,
            COLLECTOR_HTTP_PORT: String(ports.collectorHttp),
            COLLECTOR_GRPC_PORT: String(ports.collectorGrpc),
            COLLECTOR_HEALTH_PORT: String(ports.collectorHealth),
            JOURNEYTRACE_TRACES_FILE: options.tracesFile,
            JOURNEYTRACE_METRICS_FILE: metricsFile,
            // Persistent sending queues (configs that have them), beside the collector's files.
            JOURNEYTRACE_STORAGE_DIR: join(options.tracesFile, '..', 'storage'),
            JOURNEYTRACE_APP_ORIGIN: appOrigins[0],
            JOURNEYTRACE_APP_ORIGIN_ALT: appOrigins[1],
            // A local stack keeps every ordinary journey unless told otherwise.
            JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: process.env.JOURNEYTRACE_BASELINE_SAMPLE_PERCENT ?? '100',
            // The production overlay listens on every interface by default; a local stack stays on loopback.
            COLLECTOR_LISTEN_HOST: '127.0.0.1',
            ...(token === undefined ? {} : { JOURNEYTRACE_COLLECTOR_TOKEN: token }),
            ...options.collectorEnv,
          },
          logFile: logFile('collector'),
          echo,
          readyUrl: url(ports.collectorHealth),
        },
      ];
  const kafka = kafkaBrokerSpec({
    install: options.kafka ?? (await ensureKafka()),
    port: ports.kafka,
    controllerPort: ports.kafkaController,
    dataDir: join(runDir, 'kafka'),
    logFile: logFile('kafka'),
    echo,
  });
  const specs: ServiceSpec[] = [
    ...collector,
    kafka,
    ...originServiceSpecs(ports, urls.collector, { echo, logFile, runDir, env: exportHeaders }),
    {
      name: 'edge-worker',
      command: node,
      args: [
        bin('wrangler', 'wrangler.js'),
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(ports.edge),
        '--inspector-port',
        String(ports.edgeInspector),
        '--show-interactive-dev-session=false',
        '--persist-to',
        join(runDir, 'wrangler-state'),
        // `/__scheduled?cron=...` runs the worker's scheduled() (cronTrigger.ts): wrangler dev runs no cron itself.
        '--test-scheduled',
        // The recommendations Worker behind the edge's service binding runs in the same workerd.
        '-c',
        'wrangler.toml',
        '-c',
        configWithVars(join(ROOT, 'demo-app/edge/demo/recommendations/wrangler.toml'), runDir, {
          OTEL_EXPORTER_OTLP_ENDPOINT: urls.collector,
          ...exportHeaders,
        }),
        '--var',
        `ORIGIN_URL:${urls.origin}`,
        '--var',
        `OTEL_EXPORTER_OTLP_ENDPOINT:${urls.collector}`,
        // Local runs want metrics within a second; production keeps the 10 s default.
        '--var',
        'OTEL_METRIC_EXPORT_INTERVAL:1000',
        '--var',
        `ALLOWED_ORIGINS:${appOrigins.join(',')}`,
        // A development secret, passed here so that wrangler.toml (what gets deployed) holds none;
        // the worker accepts it on loopback only.
        '--var',
        `SESSION_SECRET:${DEV_SESSION_SECRET}`,
        // The demo's sign-in (it signs anyone in) exists only where this launcher turns it on.
        '--var',
        'EDGE_DEMO_SIGN_IN:1',
        ...((options.edgeConformance ?? process.env.EDGE_CONFORMANCE === '1') ? ['--var', 'EDGE_CONFORMANCE:1'] : []),
        ...Object.entries({ ...exportHeaders, ...options.edgeVars }).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
      ],
      cwd: join(ROOT, 'demo-app/edge'),
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      logFile: logFile('edge-worker'),
      echo,
      readyUrl: `${urls.edge}/health`,
      readyTimeoutMillis: 60_000,
    },
    {
      name: 'demo-app',
      command: node,
      // Vite 8.4 refuses a second preview of one project; a run's dedicated stacks each serve the
      // same build on their own port, as a demo beside the tests does.
      args: [bin('vite', 'vite.js'), 'preview', '--configLoader', 'runner', '--bypass-lock'],
      cwd: join(ROOT, 'demo-app'),
      env: {
        ...process.env,
        DEMO_APP_PORT: String(ports.app),
        EDGE_URL: urls.edge,
        COLLECTOR_URL: urls.collector,
        JOURNEYTRACE_TRACES_FILE: options.tracesFile,
        JOURNEYTRACE_METRICS_FILE: metricsFile,
      },
      logFile: logFile('demo-app'),
      echo,
      readyUrl: urls.app,
    },
  ];
  const starting = specs.map(startService);
  const settled = await Promise.allSettled(starting);
  const services = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const restart = async (name: string, whileDown?: () => Promise<void>, how: 'stop' | 'kill' = 'stop') => {
    const index = services.findIndex((service) => service.name === name);
    const spec = specs.find((candidate) => candidate.name === name);
    if (index < 0 || !spec) throw new Error(`no service named ${name}`);
    await (how === 'kill' ? services[index]!.kill() : services[index]!.stop());
    try {
      await whileDown?.();
    } finally {
      services[index] = await startService(spec);
    }
  };
  const stop = async () => void (await Promise.all(services.map((service) => service.stop())));
  const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
  if (failures.length > 0) {
    await stop();
    throw new Error(failures.map((failure) => failure.message).join('\n\n'));
  }
  return { urls, kafkaBrokers: `127.0.0.1:${ports.kafka}`, runDir, tracesFile: options.tracesFile, metricsFile, services, stop, restart };
}

/**
 * `OTEL_EXPORTER_OTLP_HEADERS` carrying a bearer token: `key=value` pairs with the value
 * percent-encoded (the OpenTelemetry exporter spec's format), so the space is `%20`.
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/#specifying-headers-via-environment-variables
 */
export function otlpAuthorizationHeader(token: string): string {
  return `Authorization=${encodeURIComponent(`Bearer ${token}`)}`;
}
