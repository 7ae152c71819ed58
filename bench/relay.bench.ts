/**
 * Relay cost: CPU time the edge relay spends on one browser batch before forwarding it (body
 * read with limits, gzip decode, strict decode, allow-list filter and redaction, service pin,
 * clock correction and time window, JSON for the collector), per encoding the web SDK may send. The anchor is the least any relay that
 * looks at the body must do: `JSON.parse` + `JSON.stringify` of the same batch as OTLP/JSON.
 * Measured in Node's V8 (the engine workerd embeds), alternating rounds, in one run.
 */
import { gzipSync } from 'node:zlib';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { attributeAllowList, DEFAULT_RELAYED_RESOURCE_ATTRIBUTES, DEFAULT_RELAYED_SPAN_ATTRIBUTES } from '../edge-worker/src/relay/filterAttributes.js';
import { prepareBatch, type OtlpFormat } from '../edge-worker/src/relay/prepareBatch.js';
import { readLimitedBody } from '../edge-worker/src/relay/readLimitedBody.js';
import { BROWSER_RESOURCE, browserSpans, jsonBody, protobufBody } from '@journeytrace/tooling/fixtures/testSpans.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { installedVersion } from '@journeytrace/tooling/bench/anchors.js';
import { summarize, type BenchRow, type BenchSection } from './types.js';

const BATCHES_PER_ROUND = 200;
const ROUNDS = 9;
const SPANS_PER_BATCH = 50;
const MAX_BODY_BYTES = 1024 * 1024;

const serviceNames = new Set([BROWSER_RESOURCE['service.name']]);
const filter = { resource: attributeAllowList(DEFAULT_RELAYED_RESOURCE_ATTRIBUTES), span: attributeAllowList(DEFAULT_RELAYED_SPAN_ATTRIBUTES) };

async function batchOfSpans(): Promise<ReadableSpan[]> {
  const spans: ReadableSpan[] = [];
  while (spans.length < SPANS_PER_BATCH) spans.push(...(await browserSpans(Date.now() - 5_000)));
  return spans.slice(0, SPANS_PER_BATCH);
}

const streamOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();

/** What the relay does with one body before its forwarding fetch. */
async function relayOnce(body: Uint8Array, format: OtlpFormat, gzip: boolean): Promise<void> {
  const read = await readLimitedBody(streamOf(body), gzip, MAX_BODY_BYTES);
  if (!read.ok) throw new Error(read.reason);
  const batch = prepareBatch(read.bytes, format, { filter, serviceNames, maxSpansPerBatch: SPANS_PER_BATCH, skewMillis: 90_000, receivedAtMillis: Date.now() });
  if (!batch.ok) throw new Error(batch.reason);
  JSON.stringify(batch.request);
}

async function anchorOnce(body: Uint8Array): Promise<void> {
  const bytes = new Uint8Array(await new Response(streamOf(body)).arrayBuffer());
  JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)));
}

async function timePerBatch(run: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < BATCHES_PER_ROUND; i++) await run();
  return Number(process.hrtime.bigint() - started) / 1e6 / BATCHES_PER_ROUND;
}

export default async function relayCost(): Promise<BenchSection> {
  const spans = await batchOfSpans();
  const json = jsonBody(spans);
  const protobuf = protobufBody(spans);
  const variants = {
    'OTLP/JSON': () => relayOnce(json, 'json', false),
    'OTLP/JSON, gzip': (
      (gz) => () =>
        relayOnce(gz, 'json', true)
    )(new Uint8Array(gzipSync(json))),
    'OTLP/protobuf': () => relayOnce(protobuf, 'protobuf', false),
    'OTLP/protobuf, gzip': (
      (gz) => () =>
        relayOnce(gz, 'protobuf', true)
    )(new Uint8Array(gzipSync(protobuf))),
  };
  const anchor = () => anchorOnce(json);

  // Warm up every path, then alternate so drift hits all of them alike.
  for (const run of [anchor, ...Object.values(variants)]) await timePerBatch(run);
  const samples = new Map<string, number[]>([['anchor', []], ...Object.keys(variants).map((name): [string, number[]] => [name, []])]);
  for (let round = 0; round < ROUNDS; round++) {
    samples.get('anchor')!.push(await timePerBatch(anchor));
    for (const [name, run] of Object.entries(variants)) samples.get(name)!.push(await timePerBatch(run));
  }

  const anchorValue = summarize(samples.get('anchor')!).median;
  const rows: BenchRow[] = Object.keys(variants).map((name) => {
    const { median, min, max } = summarize(samples.get(name)!);
    return {
      figure: `relay work per ${SPANS_PER_BATCH}-span batch, ${name} in`,
      value: median,
      min,
      max,
      unit: 'ms',
      anchor: `JSON.parse + JSON.stringify of the same batch (OTLP/JSON, ${json.length} B)`,
      anchorValue,
    };
  });
  return {
    title: 'Edge relay: work per browser batch before forwarding',
    command: 'npm run bench -- relay',
    versions: `Node ${process.versions.node} (V8 ${process.versions.v8}); @opentelemetry/otlp-transformer ${installedVersion(ROOT, '@opentelemetry/otlp-transformer')} serializers for the bodies`,
    rows,
    notes: [
      `Bodies: ${SPANS_PER_BATCH} spans; OTLP/JSON ${json.length} B (gzip ${gzipSync(json).length} B), OTLP/protobuf ${protobuf.length} B (gzip ${gzipSync(protobuf).length} B).`,
      'The relay work includes the limited streaming read, gzip decoding, strict decoding and validation, the attribute allow-list, the clock-skew shift and the JSON body for the collector.',
    ],
  };
}
