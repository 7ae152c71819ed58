import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { traceCors } from '../middleware/cors/index.js';
import { trace } from '../middleware/trace/index.js';
import { createEdgeTracing } from '../telemetry/edgeTracing.js';
import { otlpRelay, type RelayOptions } from './index.js';
import { browserSpans, jsonBody, protobufBody } from './testSpans.js';

const SHOP = 'https://shop.example';
const NOW = 1_700_000_100_000;

interface Forwarded {
  url: string;
  headers: Headers;
  body: { resourceSpans: Array<{ resource: { attributes: Array<{ key: string }> }; scopeSpans: Array<{ spans: Array<Record<string, unknown> & { name: string; attributes: Array<{ key: string; value: unknown }> }> }> }> };
}

function relayApp(options: Partial<RelayOptions> = {}, collector: (request: Request) => Response | Promise<Response> = () => new Response('{}')) {
  const forwarded: Forwarded[] = [];
  const forwardErrors: string[] = [];
  const exporter = new InMemorySpanExporter();
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const app = new Hono();
  app.use(traceCors({ origins: [SHOP], allowHeaders: ['content-type', 'content-encoding'] }));
  app.post(
    '/v1/traces',
    otlpRelay({
      allowedOrigins: [SHOP],
      collectorUrl: 'http://collector.internal/v1/traces',
      collectorHeaders: { authorization: 'Bearer server-side-secret' },
      now: () => NOW,
      onForwardError: (error, spanCount) => forwardErrors.push(`${spanCount}: ${error.message}`),
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const gzipped = request.headers.get('content-encoding') === 'gzip';
        const body = gzipped ? new Response(request.clone().body!.pipeThrough(new DecompressionStream('gzip'))) : request.clone();
        forwarded.push({ url: request.url, headers: request.headers, body: JSON.parse(await body.text()) as Forwarded['body'] });
        return collector(request);
      },
      ...options,
    }),
  );
  app.use(trace({ tracing }));
  app.get('/api/ping', (c) => c.text('pong'));
  return { app, forwarded, forwardErrors, spansMade: async () => (await tracing.forceFlush(), exporter.getFinishedSpans()) };
}

const gzip = async (bytes: Uint8Array) =>
  new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());

function post(body: BodyInit | null, headers: Record<string, string> = {}, query = '') {
  return new Request(`http://edge.example/v1/traces${query}`, {
    method: 'POST',
    headers: { origin: SHOP, 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.7', ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
}

describe('otlpRelay', () => {
  let json: Uint8Array;
  let protobuf: Uint8Array;
  beforeEach(async () => {
    const spans = await browserSpans(NOW - 90_000 - 60);
    json = jsonBody(spans);
    protobuf = protobufBody(spans);
  });

  it('forwards valid OTLP/JSON with the server-side credentials and answers with the collector status', async () => {
    const { app, forwarded } = relayApp();
    const response = await app.request(post(json as Uint8Array<ArrayBuffer>));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {});
    assert.equal(response.headers.get('access-control-allow-origin'), SHOP);
    assert.equal(forwarded.length, 1);
    assert.equal(forwarded[0]!.url, 'http://collector.internal/v1/traces');
    assert.equal(forwarded[0]!.headers.get('authorization'), 'Bearer server-side-secret');
    assert.equal(forwarded[0]!.headers.get('content-type'), 'application/json');
    assert.equal(forwarded[0]!.headers.get('content-encoding'), 'gzip');
    const resourceKeys = forwarded[0]!.body.resourceSpans[0]!.resource.attributes.map((a) => a.key);
    assert.ok(resourceKeys.includes('service.name'));
    assert.equal(resourceKeys.includes('host.name'), false, 'resource attribute off the allow-list is dropped');
    const spans = forwarded[0]!.body.resourceSpans[0]!.scopeSpans[0]!.spans;
    const step = spans.find((span) => span.name === 'checkout')!;
    assert.deepEqual(step.attributes.map((a) => a.key).sort(), ['journey.step', 'session.id'], 'claims (user.tier) and unknown keys are dropped');
    const fetchSpan = spans.find((span) => span.name === 'HTTP POST')!;
    assert.deepEqual(fetchSpan.attributes.find((a) => a.key === 'url.full')?.value, { stringValue: 'https://edge.example/api/checkout' });
  });

  it('forwards uncompressed when configured', async () => {
    const { app, forwarded } = relayApp({ forwardCompression: 'none' });
    assert.equal((await app.request(post(json as Uint8Array<ArrayBuffer>))).status, 200);
    assert.equal(forwarded[0]!.headers.get('content-encoding'), null);
    assert.equal(forwarded[0]!.body.resourceSpans[0]!.scopeSpans[0]!.spans.length, 2);
  });

  it('forwards gzip-compressed OTLP/protobuf', async () => {
    const { app, forwarded } = relayApp();
    const body = await gzip(protobuf);
    const response = await app.request(post(body as Uint8Array<ArrayBuffer>, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }));
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-protobuf');
    assert.equal(forwarded[0]!.body.resourceSpans[0]!.scopeSpans[0]!.spans.length, 2);
  });

  it('leaves out a span with invalid ids beside valid ones and says so: OTLP partial success, JSON and protobuf', async () => {
    const { app, forwarded } = relayApp();
    const body = JSON.parse(new TextDecoder().decode(json)) as Forwarded['body'];
    body.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.spanId = '0'.repeat(16);
    const response = await app.request(post(JSON.stringify(body)));
    assert.equal(response.status, 200);
    const answer = (await response.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(answer.partialSuccess.rejectedSpans, '1');
    assert.match(answer.partialSuccess.errorMessage, /invalid spanId/);
    assert.equal(forwarded[0]!.body.resourceSpans[0]!.scopeSpans[0]!.spans.length, 1, 'the valid span is forwarded');

    // The same in protobuf, read back by OpenTelemetry's own response reader.
    const spans = await browserSpans(NOW - 90_000 - 60);
    const broken = Object.create(spans[0]!, { spanContext: { value: () => ({ ...spans[0]!.spanContext(), traceId: '0'.repeat(32) }) } }) as (typeof spans)[number];
    const protobufResponse = await app.request(post(protobufBody([broken, spans[1]!]) as Uint8Array<ArrayBuffer>, { 'content-type': 'application/x-protobuf' }));
    assert.equal(protobufResponse.status, 200);
    const read = ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await protobufResponse.arrayBuffer()));
    assert.equal(Number(read.partialSuccess?.rejectedSpans), 1);
    assert.match(read.partialSuccess?.errorMessage ?? '', /invalid traceId/);
    assert.equal(forwarded[1]!.body.resourceSpans[0]!.scopeSpans[0]!.spans.length, 1);
  });

  it('forwards nothing with OTEL_SDK_DISABLED=true: every span rejected in a 2xx partial success, the guards still applied', async () => {
    const { app, forwarded, forwardErrors } = relayApp();
    const env = { OTEL_SDK_DISABLED: 'TRUE' };
    const response = await app.request(post(json as Uint8Array<ArrayBuffer>), {}, env);
    assert.equal(response.status, 200);
    const answer = (await response.json()) as { partialSuccess: { rejectedSpans: string; errorMessage: string } };
    assert.equal(answer.partialSuccess.rejectedSpans, '2');
    assert.match(answer.partialSuccess.errorMessage, /OTEL_SDK_DISABLED/);
    const protobufResponse = await app.request(post(protobuf as Uint8Array<ArrayBuffer>, { 'content-type': 'application/x-protobuf' }), {}, env);
    assert.equal(Number(ProtobufTraceSerializer.deserializeResponse(new Uint8Array(await protobufResponse.arrayBuffer())).partialSuccess?.rejectedSpans), 2);
    assert.equal((await app.request(post('not otlp'), {}, env)).status, 400);
    assert.equal((await app.request(post(json as Uint8Array<ArrayBuffer>, { origin: 'https://evil.example' }), {}, env)).status, 403);
    assert.deepEqual(forwarded, []);
    assert.deepEqual(forwardErrors, []);
    // Any other value leaves the relay on.
    assert.equal((await app.request(post(json as Uint8Array<ArrayBuffer>), {}, { OTEL_SDK_DISABLED: 'false' })).status, 200);
    assert.equal(forwarded.length, 1);
  });

  it('400 when no span of the request is valid', async () => {
    const { app, forwarded } = relayApp();
    const body = JSON.parse(new TextDecoder().decode(json)) as Forwarded['body'];
    for (const span of body.resourceSpans[0]!.scopeSpans[0]!.spans) span.traceId = '0'.repeat(32);
    const response = await app.request(post(JSON.stringify(body)));
    assert.equal(response.status, 400);
    assert.match(await response.text(), /invalid traceId/);
    assert.equal(forwarded.length, 0);
  });

  const correctedStep = async (request: Request) => {
    const { app, forwarded } = relayApp();
    assert.equal((await app.request(request)).status, 200);
    return forwarded[0]!.body.resourceSpans[0]!.scopeSpans[0]!.spans.find((span) => span.name === 'checkout')!;
  };

  it('corrects the browser clock from the journeytrace-sent-at header and records the offset', async () => {
    const step = await correctedStep(post(json as Uint8Array<ArrayBuffer>, { 'journeytrace-sent-at': String(NOW - 90_000) }));
    assert.equal(step.startTimeUnixNano, String(BigInt(NOW - 60) * 1_000_000n));
    assert.deepEqual(step.attributes.find((a) => a.key === 'journeytrace.clock_skew_ms')?.value, { intValue: '90000' });
  });

  it('takes the reading from ?sent_at where no header could be set (sendBeacon); the header wins over it', async () => {
    const fromQuery = await correctedStep(post(json as Uint8Array<ArrayBuffer>, {}, `?sent_at=${NOW - 90_000}`));
    assert.deepEqual(fromQuery.attributes.find((a) => a.key === 'journeytrace.clock_skew_ms')?.value, { intValue: '90000' });
    const both = await correctedStep(post(json as Uint8Array<ArrayBuffer>, { 'journeytrace-sent-at': String(NOW - 30_000) }, `?sent_at=${NOW - 90_000}`));
    assert.deepEqual(both.attributes.find((a) => a.key === 'journeytrace.clock_skew_ms')?.value, { intValue: '30000' });
    const garbage = await correctedStep(post(json as Uint8Array<ArrayBuffer>, { 'journeytrace-sent-at': 'yesterday' }));
    assert.equal(garbage.attributes.find((a) => a.key === 'journeytrace.clock_skew_ms'), undefined);
  });

  it('403: an origin that is not allowed, or none, is refused first', async () => {
    const { app, forwarded } = relayApp();
    for (const origin of ['https://evil.example', undefined]) {
      const request = post('garbage', { 'content-type': 'text/plain' });
      if (origin) request.headers.set('origin', origin);
      else request.headers.delete('origin');
      const response = await app.request(request);
      assert.equal(response.status, 403, String(origin));
      assert.equal(response.headers.get('access-control-allow-origin'), null);
    }
    assert.equal(forwarded.length, 0);
  });

  it('415: other content types and encodings', async () => {
    const { app, forwarded } = relayApp();
    for (const headers of [{ 'content-type': 'text/plain' } as Record<string, string>, { 'content-type': '' }, { 'content-type': 'application/jsonx' }, { 'content-encoding': 'br' }]) {
      const response = await app.request(post(json as Uint8Array<ArrayBuffer>, headers));
      assert.equal(response.status, 415, JSON.stringify(headers));
    }
    assert.equal((await app.request(post(json as Uint8Array<ArrayBuffer>, { 'content-type': 'Application/JSON; charset=utf-8' }))).status, 200);
    assert.equal(forwarded.length, 1);
  });

  it('413: a body over the limit, also streamed without a length, and a gzip bomb', async () => {
    const { app, forwarded } = relayApp({ maxBodyBytes: 64 * 1024 });
    assert.equal((await app.request(post(new Uint8Array(64 * 1024 + 1)))).status, 413);
    const streamed = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(4096)) });
    const request = post(streamed);
    assert.equal(request.headers.get('content-length'), null);
    assert.equal((await app.request(request)).status, 413);
    const bomb = await gzip(new Uint8Array(1024 * 1024));
    assert.equal((await app.request(post(bomb as Uint8Array<ArrayBuffer>, { 'content-encoding': 'gzip' }))).status, 413);
    assert.equal(forwarded.length, 0);
  });

  it('400 with a one-line reason: garbage, truncated protobuf, bad gzip, valid JSON that is not OTLP', async () => {
    const { app, forwarded } = relayApp();
    const goodGzip = await gzip(json);
    const cases: Array<[BodyInit, Record<string, string>, RegExp]> = [
      ['{"resourceSpans": [', {}, /not UTF-8 JSON/],
      ['{"hello": "world"}', {}, /no spans/],
      [new TextEncoder().encode('%PDF-1.4 garbage'), { 'content-type': 'application/x-protobuf' }, /invalid OTLP protobuf/],
      [protobuf.subarray(0, protobuf.length - 3) as Uint8Array<ArrayBuffer>, { 'content-type': 'application/x-protobuf' }, /invalid OTLP protobuf/],
      ['definitely not gzip', { 'content-encoding': 'gzip' }, /not valid gzip/],
      [goodGzip.subarray(0, goodGzip.length - 10) as Uint8Array<ArrayBuffer>, { 'content-encoding': 'gzip' }, /not valid gzip/],
    ];
    for (const [body, headers, expected] of cases) {
      const response = await app.request(post(body, headers));
      assert.equal(response.status, 400);
      const text = await response.text();
      assert.match(text, expected);
      assert.doesNotMatch(text, /\n/);
    }
    assert.equal(forwarded.length, 0, 'the collector never sees a rejected body');
  });

  it('429: too many requests from one client, others unaffected', async () => {
    const { app } = relayApp({ rateLimitPerMinute: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request(post(json as Uint8Array<ArrayBuffer>))).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    // Two per minute: the next token comes within 30 s, and Retry-After says when (not a fixed minute).
    const refused = await app.request(post(json as Uint8Array<ArrayBuffer>));
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);
    assert.equal((await app.request(post(json as Uint8Array<ArrayBuffer>, { 'cf-connecting-ip': '198.51.100.1' }))).status, 200);
  });

  it('502 when the collector cannot be reached, and the loss is reported', async () => {
    const { app, forwardErrors } = relayApp({}, () => {
      throw new TypeError('connection refused');
    });
    const response = await app.request(post(json as Uint8Array<ArrayBuffer>));
    assert.equal(response.status, 502);
    assert.deepEqual(forwardErrors, ['2: connection refused']);
  });

  it('passes the collector refusal on, with Retry-After', async () => {
    const { app } = relayApp({}, () => new Response('busy', { status: 503, headers: { 'retry-after': '7' } }));
    const response = await app.request(post(json as Uint8Array<ArrayBuffer>));
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '7');
  });

  it('answers CORS preflights for allowed origins and makes no spans of its own', async () => {
    const { app, spansMade } = relayApp();
    const preflight = await app.request('http://edge.example/v1/traces', {
      method: 'OPTIONS',
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,content-encoding,journeytrace-sent-at' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), SHOP);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /content-encoding/);
    // The web SDK's clock reading, allowed by traceCors() itself: a relay set up before the SDK sent it keeps working.
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /journeytrace-sent-at/);
    assert.equal(preflight.headers.get('access-control-max-age'), '7200');
    await app.request(post(json as Uint8Array<ArrayBuffer>));
    await app.request(post('garbage'));
    assert.deepEqual(await spansMade(), []);
    await app.request('http://edge.example/api/ping');
    assert.equal((await spansMade()).length, 1, 'the traced routes still make spans');
  });
});
