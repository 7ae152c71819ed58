/**
 * Wire cost: bytes per span of a typical checkout journey as the browser and the edge send it,
 * in each OTLP encoding (JSON, protobuf; with and without gzip), from the real serializers:
 * @opentelemetry/otlp-transformer and the web SDK's own JSON encoder. Every encoding is then
 * posted to the project's collector build, which must accept it and write every span.
 */
import { ROOT_CONTEXT, SpanKind, trace, type Attributes } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { gzipSync } from 'node:zlib';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { encodeTraces } from '../web-sdk/src/export/otlpJson.js';
import { installedVersion } from '@journeytrace/tooling/bench/anchors.js';
import { benchRunDir, spansByTrace, startBenchCollector, waitFor } from '@journeytrace/tooling/bench/collector.js';
import type { BenchRow, BenchSection } from './types.js';

const SESSION = { 'session.id': 'c7b8a46d0143a764ed937fb03a9901c2', 'user.tier': 'premium' };

/** A provider whose spans end up in memory, with the resource of the given side. */
function recorder(attributes: Attributes) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes(attributes)),
    spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })],
  });
  return { provider, exporter };
}

/**
 * One checkout journey shaped like the demo's: in the browser a click, the `checkout` step and
 * its fetch (with instrumentation-fetch's resource-timing events); at the edge the SERVER span
 * and the CLIENT span of its call to the origin.
 */
function journey(): { browser: ReadableSpan[]; edge: ReadableSpan[] } {
  const browser = recorder({ 'service.name': 'shop-web' });
  const tracer = browser.provider.getTracer('journeytrace');
  const click = tracer.startSpan('click', { attributes: { 'browser.event.type': 'click', 'browser.target': 'button[data-testid=checkout]', ...SESSION } });
  const step = tracer.startSpan('checkout', { attributes: SESSION }, trace.setSpan(ROOT_CONTEXT, click));
  const fetchSpan = browser.provider.getTracer('@opentelemetry/instrumentation-fetch', '0.223.0').startSpan(
    'POST',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'url.full': 'https://edge.shop.example/api/checkout',
        'server.address': 'edge.shop.example',
        'server.port': 443,
        ...SESSION,
      },
    },
    trace.setSpan(ROOT_CONTEXT, step),
  );
  for (const event of ['fetchStart', 'domainLookupStart', 'domainLookupEnd', 'connectStart', 'connectEnd', 'requestStart', 'responseStart', 'responseEnd'])
    fetchSpan.addEvent(event);
  fetchSpan.setAttribute('http.response.status_code', 200);
  fetchSpan.end();
  step.end();
  click.end();

  const edge = recorder({
    'service.name': 'edge-worker',
    'telemetry.sdk.language': 'js',
    'cloud.provider': 'cloudflare',
    'cloud.platform': 'cloudflare.workers',
  });
  const edgeTracer = edge.provider.getTracer('@journeytrace/edge');
  const server = edgeTracer.startSpan(
    'POST /api/checkout',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'POST',
        'url.path': '/api/checkout',
        'url.scheme': 'https',
        'http.route': '/api/checkout',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
        'client.address': '203.0.113.7',
        'journeytrace.baggage.verified': true,
        ...SESSION,
      },
    },
    trace.setSpanContext(ROOT_CONTEXT, fetchSpan.spanContext()),
  );
  const client = edgeTracer.startSpan(
    'POST',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'POST',
        'url.full': 'https://api.shop.example/checkout',
        'server.address': 'api.shop.example',
        'server.port': 443,
        ...SESSION,
      },
    },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  client.setAttribute('http.response.status_code', 200);
  client.end();
  server.setAttribute('http.response.status_code', 200);
  server.end();
  return { browser: browser.exporter.getFinishedSpans(), edge: edge.exporter.getFinishedSpans() };
}

interface Encoding {
  name: string;
  contentType: 'application/json' | 'application/x-protobuf';
  gzip: boolean;
  encode(spans: ReadableSpan[]): Uint8Array;
}

const utf8 = new TextEncoder();
const stockJson = (spans: ReadableSpan[]) => JsonTraceSerializer.serializeRequest(spans)!;
const protobuf = (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans)!;
const sdkJson = (spans: ReadableSpan[]) => utf8.encode(encodeTraces(spans));
const zipped = (encode: (spans: ReadableSpan[]) => Uint8Array) => (spans: ReadableSpan[]) => new Uint8Array(gzipSync(encode(spans)));

const ENCODINGS = {
  stockJson: { name: 'OTLP JSON (otlp-transformer)', contentType: 'application/json', gzip: false, encode: stockJson },
  stockJsonGzip: { name: 'OTLP JSON + gzip', contentType: 'application/json', gzip: true, encode: zipped(stockJson) },
  sdkJson: { name: 'web SDK JSON encoder', contentType: 'application/json', gzip: false, encode: sdkJson },
  sdkJsonGzip: { name: 'web SDK JSON encoder + gzip', contentType: 'application/json', gzip: true, encode: zipped(sdkJson) },
  protobuf: { name: 'OTLP protobuf', contentType: 'application/x-protobuf', gzip: false, encode: protobuf },
  protobufGzip: { name: 'OTLP protobuf + gzip', contentType: 'application/x-protobuf', gzip: true, encode: zipped(protobuf) },
} satisfies Record<string, Encoding>;
type EncodingKey = keyof typeof ENCODINGS;

const SIDES = {
  browser: {
    label: 'browser',
    // Gzip by default; keepalive requests on page hide go uncompressed (no await before the page leaves).
    sends: { sdkJsonGzip: 'what it sends', sdkJson: 'what it sends on page hide' } as Partial<Record<EncodingKey, string>>,
    encodings: Object.keys(ENCODINGS) as EncodingKey[],
  },
  edge: {
    label: 'edge',
    sends: { protobuf: 'what it sends' } as Partial<Record<EncodingKey, string>>,
    encodings: ['stockJson', 'stockJsonGzip', 'protobuf', 'protobufGzip'] as EncodingKey[],
  },
};

/** Posts one batch the way an exporter would; the HTTP status the collector answered. */
async function post(collectorUrl: string, encoding: Encoding, body: Uint8Array): Promise<number> {
  const headers: Record<string, string> = { 'content-type': encoding.contentType };
  if (encoding.gzip) headers['content-encoding'] = 'gzip';
  const response = await fetch(`${collectorUrl}/v1/traces`, {
    method: 'POST',
    headers,
    body: body as Uint8Array<ArrayBuffer>,
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
  return response.status;
}

export default async function wireCost(): Promise<BenchSection> {
  const sample = journey();
  const rows: BenchRow[] = [];
  for (const side of Object.values(SIDES)) {
    const spans = sample[side.label as 'browser' | 'edge'];
    const perSpan = (key: EncodingKey) => ENCODINGS[key].encode(spans).length / spans.length;
    for (const key of side.encodings) {
      if (key === 'stockJson') continue;
      rows.push({
        figure: `${side.label}: ${ENCODINGS[key].name}${side.sends[key] ? ` (${side.sends[key]})` : ''}`,
        value: perSpan(key),
        unit: 'B/span',
        anchor: `${side.label}: ${ENCODINGS.stockJson.name} (the stock exporter's)`,
        anchorValue: perSpan('stockJson'),
        target: '< 1',
      });
    }
  }

  // Every encoding of both sides, each on a journey of its own, through the real collector.
  const runDir = benchRunDir('wire-cost');
  const collector = await startBenchCollector(runDir);
  const accepted: string[] = [];
  const refused: string[] = [];
  try {
    const expected = new Map<string, number>();
    for (const side of Object.values(SIDES)) {
      for (const key of side.encodings) {
        const spans = journey()[side.label as 'browser' | 'edge'];
        const status = await post(collector.httpUrl, ENCODINGS[key], ENCODINGS[key].encode(spans));
        const traceId = spans[0]!.spanContext().traceId;
        expected.set(traceId, (expected.get(traceId) ?? 0) + spans.length);
        (status === 200 ? accepted : refused).push(`${side.label} ${ENCODINGS[key].name} (HTTP ${status})`);
      }
    }
    const complete = async () => {
      const written = await spansByTrace(collector.tracesFile);
      return [...expected].every(([traceId, count]) => written.get(traceId) === count);
    };
    const allWritten = await waitFor(complete, 20_000);
    const written = await spansByTrace(collector.tracesFile);
    const writtenSpans = [...expected.keys()].reduce((sum, traceId) => sum + (written.get(traceId) ?? 0), 0);
    const sentSpans = [...expected.values()].reduce((sum, count) => sum + count, 0);
    return {
      title: 'Wire cost per span (typical checkout journey)',
      command: 'npm run bench -- wire-cost',
      versions: `@opentelemetry/otlp-transformer ${installedVersion(ROOT, '@opentelemetry/otlp-transformer')}, journeytrace ${installedVersion(ROOT, 'journeytrace')} (JSON encoder), node:zlib gzip level 6, collector contrib v0.161.0 (project build)`,
      rows,
      notes: [
        `One journey's batch per side, as each flushes it: the browser ${sample.browser.length} spans (click, checkout step, its fetch with 8 resource-timing events), the edge ${sample.edge.length} (SERVER and the CLIENT call to the origin); resource attributes included, so bytes per span fall as batches grow. Sizes are deterministic; each is one encoding.`,
        `Collector check (collector/config.yaml + config.test.yaml on free ports): ${refused.length === 0 ? 'every encoding accepted' : `REFUSED: ${refused.join('; ')}`} (${accepted.length} of ${accepted.length + refused.length} answered 200); spans written to its file output: ${writtenSpans} of ${sentSpans}${allWritten ? '' : ' (INCOMPLETE after 20 s)'}.`,
      ],
    };
  } finally {
    await collector.stop();
  }
}
