/**
 * Collector: how many spans per second one collector of this build accepts from the edge's
 * export path (OTLP/HTTP protobuf posts, serialized by the same otlp-transformer serializer as
 * edge-worker/src/export/OTLPFetchSpanExporter.ts) with zero loss, counted at the file exporter;
 * and how much later a journey reaches the file because tail sampling waits `decision_wait`.
 * The anchor for both is the same collector and config without the tail_sampling processor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { ensureCollector } from '@journeytrace/tooling/setup/collector.js';
import { runCollector, type RunningCollector } from '../collector/support/runCollector.js';
import { randomHex } from '../collector/support/spanSender.js';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { summarize, type BenchRow, type BenchSection } from './types.js';

const SPANS_PER_TRACE = 3;
const SPANS_PER_REQUEST = 60;
const REQUESTS = 1500; // 90 000 spans, 30 000 traces per run (tail_sampling holds up to 50 000)
const IN_FLIGHT = 8;
const ROUNDS = 3;
const LATENCY_SAMPLES = 8;

const config = (name: string) => join(ROOT, 'collector', name);
/** The anchor: everything in config.yaml but tail sampling. */
const WITHOUT_TAIL_SAMPLING = 'yaml:service::pipelines::traces::processors: [memory_limiter, attributes/enduser, transform/urls]';
const setups = {
  tail: (decisionWait: string) => [config('config.yaml'), config('config.test.yaml'), `yaml:processors::tail_sampling::decision_wait: ${decisionWait}`],
  anchor: () => [config('config.yaml'), config('config.test.yaml'), WITHOUT_TAIL_SAMPLING],
};

export default async function collectorBench(): Promise<BenchSection> {
  process.env.OTELCOL_BIN ??= await ensureCollector();
  const runDir = join(ROOT, '.data', 'bench', `collector-${process.pid}`);
  const bodies = serializeRequests();
  const throughput = { tail: [] as number[], anchor: [] as number[] };
  const notes: string[] = [];
  let losses = 0;

  // Alternate the two setups so drift on the machine hits both alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const setup of ['anchor', 'tail'] as const) {
      const collector = await start(`${setup}-${round}`, setup === 'tail' ? setups.tail('1s') : setups.anchor(), runDir);
      try {
        const { spansPerSecond, lost, refused } = await measureThroughput(collector, bodies);
        throughput[setup].push(spansPerSecond);
        losses += lost;
        if (refused > 0) notes.push(`${setup} round ${round}: ${refused} requests refused and retried (memory_limiter or queue full).`);
      } finally {
        await collector.stop();
      }
    }
  }

  const latency: Record<string, number[]> = {};
  for (const [label, configs] of [
    ['anchor', setups.anchor()],
    ['1s', setups.tail('1s')],
    ['5s', setups.tail('5s')],
  ] as const) {
    const collector = await start(`latency-${label}`, [...configs], runDir);
    try {
      latency[label] = await measureTimeToFile(collector);
    } finally {
      await collector.stop();
    }
  }

  const row = (figure: string, samples: number[], unit: string, anchor: string, anchorSamples: number[]): BenchRow => {
    const { median, min, max } = summarize(samples);
    return { figure, value: median, min, max, unit, anchor, anchorValue: summarize(anchorSamples).median };
  };
  const totalSpans = REQUESTS * SPANS_PER_REQUEST;
  return {
    title: 'Collector: spans accepted per second, and what decision_wait adds',
    command: 'npm run bench -- collector',
    versions: 'otelcol-journeytrace 0.161.0 (contrib v0.161.0), collector/config.yaml + config.test.yaml',
    rows: [
      row(
        `spans/s accepted, tail sampling on (then written: ${losses === 0 ? 'zero loss' : `${losses} spans LOST`})`,
        throughput.tail,
        'spans/s',
        'same collector without tail_sampling',
        throughput.anchor,
      ),
      row('first span posted → trace in the file, decision_wait 1 s (tests)', latency['1s']!, 'ms', 'without tail_sampling', latency.anchor!),
      row('first span posted → trace in the file, decision_wait 5 s (demo)', latency['5s']!, 'ms', 'without tail_sampling', latency.anchor!),
    ],
    notes: [
      `Throughput: ${totalSpans} spans per run (${SPANS_PER_TRACE} per trace, ${SPANS_PER_REQUEST} per protobuf request, ${IN_FLIGHT} requests in flight, sent from one Node process on the same machine, so client and collector share its CPUs), ${ROUNDS} alternating runs per setup; the rate counts until every request was answered, and each run then waits until the file exporter holds every span. Spans lost across all runs: ${losses}.`,
      'Tail sampling answers a request once its spans are buffered; scrubbing and writing run later, on the decision tick. Without it, scrubbing runs before the answer, so the anchor can accept fewer spans per second. Other work on the machine (tests running beside) widens the spread.',
      `Latency: ${LATENCY_SAMPLES} single-trace requests per setup, 250 ms apart, the file polled every 20 ms; tail sampling decides on a 1 s tick, so a trace waits between decision_wait and decision_wait + 1 s.`,
      ...notes,
    ],
  };
}

function start(name: string, configs: string[], runDir: string): Promise<RunningCollector> {
  return runCollector({ name, configs, runDir, env: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '100' } });
}

/** Protobuf export requests, made once, as the edge's exporter would send them. */
function serializeRequests(): Uint8Array[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'edge-worker', 'cloud.provider': 'cloudflare' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })],
  });
  const tracer = provider.getTracer('bench');
  const bodies: Uint8Array[] = [];
  for (let request = 0; request < REQUESTS; request += 1) {
    exporter.reset();
    for (let index = 0; index < SPANS_PER_REQUEST / SPANS_PER_TRACE; index += 1) {
      const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId: randomHex(32), spanId: randomHex(16), traceFlags: TraceFlags.SAMPLED, isRemote: true });
      for (let hop = 0; hop < SPANS_PER_TRACE; hop += 1) {
        const span = tracer.startSpan(
          'POST /api/checkout',
          {
            kind: SpanKind.SERVER,
            attributes: {
              'http.request.method': 'POST',
              'http.route': '/api/checkout',
              'url.full': 'https://shop.example/api/checkout?step=2',
              'user.tier': 'free',
              'session.id': randomHex(32),
            },
          },
          parent,
        );
        span.end();
      }
    }
    const body = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans() as ReadableSpan[]);
    if (!body) throw new Error('could not serialize spans');
    bodies.push(body);
  }
  return bodies;
}

async function measureThroughput(collector: RunningCollector, bodies: Uint8Array[]) {
  const url = `${collector.httpUrl}/v1/traces`;
  let next = 0;
  let refused = 0;
  const post = async (body: Uint8Array) => {
    for (let attempt = 0; ; attempt += 1) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: body as Uint8Array<ArrayBuffer> });
      await response.body?.cancel();
      if (response.ok) return;
      refused += 1;
      if (attempt >= 20) throw new Error(`collector answered ${response.status} 20 times`);
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    }
  };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < bodies.length) await post(bodies[next++]!);
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  const sent = bodies.length * SPANS_PER_REQUEST;
  const written = await waitForSpanCount(collector.tracesFile, sent, 30_000);
  return { spansPerSecond: sent / elapsedSeconds, lost: sent - written, refused };
}

/** Waits until the file holds `count` spans (or time is up); returns how many it holds. */
async function waitForSpanCount(tracesFile: string, count: number, timeoutMillis: number): Promise<number> {
  const deadline = Date.now() + timeoutMillis;
  let written = 0;
  while (Date.now() < deadline) {
    written = countSpans(tracesFile);
    if (written >= count) return written;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return written;
}

/** Spans in an OTLP JSON lines file: every span has exactly one `"spanId"` key (links have none here). */
function countSpans(tracesFile: string): number {
  try {
    return readFileSync(tracesFile, 'utf8').split('"spanId":"').length - 1;
  } catch {
    return 0;
  }
}

async function measureTimeToFile(collector: RunningCollector): Promise<number[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
  const tracer = provider.getTracer('bench');
  const samples = await Promise.all(
    Array.from({ length: LATENCY_SAMPLES }, async (_, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 250));
      exporter.reset();
      const traceId = randomHex(32);
      const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: randomHex(16), traceFlags: TraceFlags.SAMPLED, isRemote: true });
      tracer.startSpan('POST /api/checkout', { kind: SpanKind.SERVER, attributes: { 'user.tier': 'premium' } }, parent).end();
      const body = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans() as ReadableSpan[])!;
      const started = performance.now();
      const response = await fetch(`${collector.httpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: body as Uint8Array<ArrayBuffer>,
      });
      await response.body?.cancel();
      while (performance.now() - started < 20_000) {
        if (readFileSafe(collector.tracesFile).includes(traceId)) return performance.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`trace ${traceId} never reached ${collector.tracesFile}`);
    }),
  );
  return samples;
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
