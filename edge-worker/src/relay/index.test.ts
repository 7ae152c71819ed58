import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { Hono } from 'hono';
import { traceCors } from '../middleware/cors/index.js';
import { trace } from '../middleware/trace/index.js';
import { createEdgeTracing } from '../tracing/edgeTracing.js';
import { otlpRelay, type RelayOptions } from './index.js';
import { BROWSER_RESOURCE, browserSpans, jsonBody, protobufBody } from '@journeytrace/tooling/fixtures/testSpans.js';

const SHOP = 'https://shop.example';
const NOW = 1_700_000_100_000;

interface Forwarded {
  url: string;
  headers: Headers;
  body: {
    resourceSpans: Array<{
      resource: { attributes: Array<{ key: string }> };
      scopeSpans: Array<{ spans: Array<Record<string, unknown> & { name: string; attributes: Array<{ key: string; value: unknown }> }> }>;
    }>;
  };
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
      serviceNames: [BROWSER_RESOURCE['service.name']],
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
  const spansMade = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { app, forwarded, forwardErrors, spansMade };
}

const gzip = async (bytes: Uint8Array) =>
  new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());

/** A request as Cloudflare's edge hands it to the worker: its `cf` object, and `CF-Connecting-IP` set. */
function post(body: BodyInit | null, headers: Record<string, string> = {}, query = '', url = 'http://edge.example/v1/traces') {
  const request = new Request(`${url}${query}`, {
    method: 'POST',
    headers: { origin: SHOP, 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.7', ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return Object.assign(request, { cf: { colo: 'AMS' } });
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
    const broken = Object.create(spans[0]!, {
      spanContext: { value: () => ({ ...spans[0]!.spanContext(), traceId: '0'.repeat(32) }) },
    }) as (typeof spans)[number];
    const protobufResponse = await app.request(
      post(protobufBody([broken, spans[1]!]) as Uint8Array<ArrayBuffer>, { 'content-type': 'application/x-protobuf' }),
    );
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
    assert.equal(
      garbage.attributes.find((a) => a.key === 'journeytrace.clock_skew_ms'),
      undefined,
    );
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
    for (const headers of [
      { 'content-type': 'text/plain' } as Record<string, string>,
      { 'content-type': '' },
      { 'content-type': 'application/jsonx' },
      { 'content-encoding': 'br' },
    ]) {
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

  it('429 also for a client that sends a new CF-Connecting-IP each time where the platform does not set it', async () => {
    // Off Cloudflare (no cf object) and in wrangler dev (a loopback URL): the header is the client's own.
    const offCloudflare = (ip: string) => {
      const request = post(json as Uint8Array<ArrayBuffer>, { 'cf-connecting-ip': ip });
      delete (request as Request & { cf?: unknown }).cf;
      return request;
    };
    const wranglerDev = (ip: string) => post(json as Uint8Array<ArrayBuffer>, { 'cf-connecting-ip': ip }, '', 'http://127.0.0.1:8787/v1/traces');
    for (const sender of [offCloudflare, wranglerDev]) {
      const { app } = relayApp({ rateLimitPerMinute: 2 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await app.request(sender(`198.51.100.${i + 10}`))).status);
      assert.deepEqual(statuses.slice(-2), [429, 429], `${sender.name}: ${statuses.join(', ')}`);
    }
  });

  it('clientKey: a deployment behind its own proxy keys by the header that proxy sets', async () => {
    const { app } = relayApp({ rateLimitPerMinute: 1, clientKey: (request) => request.headers.get('x-real-ip') ?? 'shared' });
    assert.equal((await app.request(post(json as Uint8Array<ArrayBuffer>, { 'x-real-ip': '192.0.2.1' }))).status, 200);
    assert.equal((await app.request(post(json as Uint8Array<ArrayBuffer>, { 'x-real-ip': '192.0.2.1' }))).status, 429);
    assert.equal((await app.request(post(json as Uint8Array<ArrayBuffer>, { 'x-real-ip': '192.0.2.2' }))).status, 200);
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
      headers: {
        origin: SHOP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,content-encoding,journeytrace-sent-at',
      },
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

/** The relay's trust boundary: what a page may claim about itself, its times and its size. */
describe('otlpRelay: what a browser batch may claim', () => {
  type JsonBody = {
    resourceSpans: Array<{
      resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
      scopeSpans: Array<{
        spans: Array<{
          name: string;
          spanId: string;
          startTimeUnixNano: string;
          endTimeUnixNano: string;
          attributes: Array<{ key: string; value: Record<string, unknown> }>;
          events: Array<{ name: string; timeUnixNano: string; attributes: unknown[] }>;
          droppedAttributesCount?: number;
          droppedEventsCount?: number;
          status?: { code: number };
        }>;
      }>;
    }>;
  };
  type Answer = { partialSuccess?: { rejectedSpans: string; errorMessage: string } };
  const NANOS = 1_000_000n;
  let template: JsonBody;
  beforeEach(async () => {
    template = JSON.parse(new TextDecoder().decode(jsonBody(await browserSpans(NOW - 1_000)))) as JsonBody;
  });
  /** A copy of the browser batch, edited. */
  const batchOf = (edit: (body: JsonBody) => void) => {
    const body = structuredClone(template);
    edit(body);
    return JSON.stringify(body);
  };
  const spansOf = (body: JsonBody) => body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
  const forwardedSpans = (forwarded: Forwarded[]) => forwarded.flatMap((request) => spansOf(request.body as unknown as JsonBody));
  const attributeValue = (attributes: Array<{ key: string; value: unknown }>, key: string) => attributes.find((a) => a.key === key)?.value;

  it('leaves out resources that claim a backend service: only the accepted browser services pass, marked relayed', async () => {
    const { app, forwarded } = relayApp();
    const forged = batchOf((body) => {
      const impostor = structuredClone(body.resourceSpans[0]!);
      impostor.resource.attributes = impostor.resource.attributes.map((a) =>
        a.key === 'service.name' ? { key: a.key, value: { stringValue: 'payment' } } : a,
      );
      for (const span of spansOf({ resourceSpans: [impostor] })) span.spanId = span.spanId.replace(/^../, 'ee');
      // A page cannot clear the mark either.
      body.resourceSpans[0]!.resource.attributes.push({ key: 'journeytrace.relayed', value: { boolValue: false } });
      body.resourceSpans.push(impostor);
    });
    const response = await app.request(post(forged));
    assert.equal(response.status, 200);
    const answer = (await response.json()) as Answer;
    assert.equal(answer.partialSuccess?.rejectedSpans, '2');
    assert.match(answer.partialSuccess?.errorMessage ?? '', /service\.name "payment" is not a browser service/);
    const resources = forwarded[0]!.body.resourceSpans;
    assert.equal(resources.length, 1);
    const attributes = resources[0]!.resource.attributes as Array<{ key: string; value: unknown }>;
    assert.deepEqual(attributeValue(attributes, 'service.name'), { stringValue: 'shop-web' });
    assert.deepEqual(
      attributes.filter((a) => a.key === 'journeytrace.relayed'),
      [{ key: 'journeytrace.relayed', value: { boolValue: true } }],
    );
  });

  it('400 for a batch that is all backend services, or names none; a second service.name cannot ride behind an accepted one', async () => {
    const { app, forwarded } = relayApp();
    const asService = (name: string | undefined) =>
      batchOf((body) => {
        const attributes = body.resourceSpans[0]!.resource.attributes.filter((a) => a.key !== 'service.name');
        body.resourceSpans[0]!.resource.attributes = name === undefined ? attributes : [{ key: 'service.name', value: { stringValue: name } }, ...attributes];
      });
    const checkout = await app.request(post(asService('checkout-api')));
    assert.equal(checkout.status, 400);
    assert.match(await checkout.text(), /service\.name "checkout-api" is not a browser service/);
    assert.equal((await app.request(post(asService(undefined)))).status, 400);
    assert.equal(forwarded.length, 0);
    const twoNames = batchOf((body) => body.resourceSpans[0]!.resource.attributes.push({ key: 'service.name', value: { stringValue: 'payment' } }));
    assert.equal((await app.request(post(twoNames))).status, 200);
    assert.deepEqual(
      forwarded[0]!.body.resourceSpans[0]!.resource.attributes.filter((a) => a.key === 'service.name'),
      [{ key: 'service.name', value: { stringValue: 'shop-web' } }],
    );
  });

  it("accepts by default only the web SDK's own name; JOURNEYTRACE_RELAY_SERVICE_NAMES lists others", async () => {
    const { app } = relayApp({ serviceNames: undefined });
    const named = (name: string) => batchOf((body) => (body.resourceSpans[0]!.resource.attributes[0] = { key: 'service.name', value: { stringValue: name } }));
    assert.equal((await app.request(post(named('unknown_service:webjs')))).status, 200);
    assert.equal((await app.request(post(named('shop-web')))).status, 400);
    const configured = relayApp({ serviceNames: undefined });
    const env = { JOURNEYTRACE_RELAY_SERVICE_NAMES: ' shop-web , plain-page ' };
    assert.equal((await configured.app.request(post(named('shop-web')), {}, env)).status, 200);
    assert.equal((await configured.app.request(post(named('plain-page')), {}, env)).status, 200);
    assert.equal((await configured.app.request(post(named('edge-worker')), {}, env)).status, 400);
  });

  it('leaves out spans from 1970 or a century ahead, and clamps a 56-year duration', async () => {
    const { app, forwarded } = relayApp();
    const yearNanos = 365n * 86_400_000n * NANOS;
    const now = BigInt(NOW) * NANOS;
    const body = batchOf((body) => {
      const second = spansOf(body).find((span) => span.name === 'HTTP POST');
      const first = spansOf(body).find((span) => span.name === 'checkout');
      const third = structuredClone(first!);
      third.spanId = 'abcdef0123456789';
      third.name = 'ancient';
      body.resourceSpans[0]!.scopeSpans[0]!.spans.push(third);
      Object.assign(first!, { startTimeUnixNano: String(now + 100n * yearNanos), endTimeUnixNano: String(now + 100n * yearNanos + NANOS) });
      Object.assign(third, { startTimeUnixNano: '1000000', endTimeUnixNano: String(now) });
      Object.assign(second!, { startTimeUnixNano: String(now - 1_000n * NANOS), endTimeUnixNano: String(now + 56n * yearNanos) });
      second!.events[0]!.timeUnixNano = String(now + 60n * yearNanos);
    });
    const response = await app.request(post(body));
    assert.equal(response.status, 200);
    const answer = (await response.json()) as Answer;
    assert.equal(answer.partialSuccess?.rejectedSpans, '2');
    assert.match(answer.partialSuccess?.errorMessage ?? '', /accepted time window/);
    const [kept, ...others] = forwardedSpans(forwarded);
    assert.deepEqual(others, []);
    assert.equal(kept!.startTimeUnixNano, String(now - 1_000n * NANOS));
    assert.equal(kept!.endTimeUnixNano, String(now + 300_000n * NANOS), 'the end is cut at five minutes ahead of the edge clock');
    assert.equal(kept!.events[0]!.timeUnixNano, kept!.endTimeUnixNano, 'events stay inside the span');
    const long = relayApp({ spanTimes: { maxDurationMillis: 60_000 } });
    assert.equal((await long.app.request(post(body))).status, 200);
    assert.equal(forwardedSpans(long.forwarded)[0]!.endTimeUnixNano, String(now + 59_000n * NANOS), 'and at the longest duration');
  });

  it('validates after the clock correction: a reading far in the future never turns a valid span into start = end = 0', async () => {
    const { app, forwarded } = relayApp({ clockSkew: { maxSkewMillis: Number.MAX_SAFE_INTEGER } });
    const response = await app.request(post(JSON.stringify(template), { 'journeytrace-sent-at': String(NOW * 3) }));
    assert.equal(response.status, 400);
    assert.match(await response.text(), /before the accepted time window/);
    assert.deepEqual(forwarded, []);
    // Within the bounds the correction still applies.
    const fine = await app.request(post(JSON.stringify(template), { 'journeytrace-sent-at': String(NOW + 60_000) }));
    assert.equal(fine.status, 200);
    assert.equal(forwardedSpans(forwarded).find((span) => span.name === 'checkout')!.startTimeUnixNano, String(BigInt(NOW - 61_000) * NANOS));
  });

  it('caps attributes, events and links per span (OpenTelemetry span limits), counting what it cut', async () => {
    const { app, forwarded } = relayApp();
    const body = batchOf((body) => {
      const span = spansOf(body).find((span) => span.name === 'HTTP POST')!;
      span.attributes = Array.from({ length: 20_000 }, (_, i) => ({ key: `http.x${i}`, value: { stringValue: 'v' } }));
      span.attributes.push({ key: 'http.long', value: { stringValue: 'y'.repeat(20_000) } });
      span.events = Array.from({ length: 300 }, (_, i) => ({ name: `e${i}`, timeUnixNano: span.startTimeUnixNano, attributes: [] }));
    });
    assert.equal((await app.request(post(body))).status, 200);
    const span = forwardedSpans(forwarded).find((span) => span.name === 'HTTP POST')!;
    assert.equal(span.attributes.length, 128);
    assert.equal(span.droppedAttributesCount, 20_001 - 128);
    assert.equal(span.events.length, 128);
    assert.equal(span.droppedEventsCount, 300 - 128);
    const limited = relayApp({ spanLimits: { attributeCountLimit: 2_000, attributeValueLengthLimit: 100 } });
    assert.equal((await limited.app.request(post(body))).status, 200);
    const long = forwardedSpans(limited.forwarded)
      .find((span) => span.name === 'HTTP POST')!
      .attributes.find((a) => a.key === 'http.long');
    assert.equal(long, undefined, 'past the count limit');
    const short = relayApp({ spanLimits: { attributeValueLengthLimit: 100 } });
    const lengthy = batchOf((body) => spansOf(body)[0]!.attributes.push({ key: 'http.long', value: { stringValue: 'y'.repeat(20_000) } }));
    assert.equal((await short.app.request(post(lengthy))).status, 200);
    assert.deepEqual(attributeValue(forwardedSpans(short.forwarded)[0]!.attributes, 'http.long'), { stringValue: 'y'.repeat(100) });
  });

  it('takes its span limits from the OTEL_SPAN_*_LIMIT bindings (then OTEL_ATTRIBUTE_*), an option overriding them', async () => {
    const body = batchOf((body) => {
      const span = spansOf(body).find((span) => span.name === 'HTTP POST')!;
      span.attributes = Array.from({ length: 50 }, (_, i) => ({ key: `http.x${i}`, value: { stringValue: 'v'.repeat(40) } }));
      span.events = Array.from({ length: 30 }, (_, i) => ({ name: `e${i}`, timeUnixNano: span.startTimeUnixNano, attributes: [] }));
    });
    const env = { OTEL_SPAN_EVENT_COUNT_LIMIT: '5', OTEL_ATTRIBUTE_COUNT_LIMIT: '10', OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '8' };
    const fromEnv = relayApp();
    assert.equal((await fromEnv.app.request(post(body), undefined, env)).status, 200);
    const limited = forwardedSpans(fromEnv.forwarded).find((span) => span.name === 'HTTP POST')!;
    assert.equal(limited.events.length, 5);
    assert.equal(limited.attributes.length, 10);
    assert.deepEqual(attributeValue(limited.attributes, 'http.x0'), { stringValue: 'v'.repeat(8) });
    const overridden = relayApp({ spanLimits: { eventCountLimit: 7 } });
    assert.equal((await overridden.app.request(post(body), undefined, { ...env, OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '12' })).status, 200);
    const span = forwardedSpans(overridden.forwarded).find((span) => span.name === 'HTTP POST')!;
    assert.equal(span.events.length, 7);
    assert.equal(span.attributes.length, 12, 'the span-specific name before the general one');
  });

  it('forwards at most maxSpansPerBatch spans of a request (default 512), the rest left out and counted', async () => {
    const { app, forwarded } = relayApp({ maxBodyBytes: 8 * 1024 * 1024 });
    const body = batchOf((body) => {
      const scope = body.resourceSpans[0]!.scopeSpans[0]!;
      const [first] = scope.spans;
      scope.spans = Array.from({ length: 5_000 }, (_, i) => ({ ...first!, attributes: [], events: [], spanId: (i + 1).toString(16).padStart(16, '0') }));
    });
    const response = await app.request(post(body));
    assert.equal(response.status, 200);
    const answer = (await response.json()) as Answer;
    assert.equal(answer.partialSuccess?.rejectedSpans, String(5_000 - 512));
    assert.match(answer.partialSuccess?.errorMessage ?? '', /more than 512 spans/);
    assert.equal(forwardedSpans(forwarded).length, 512);
  });

  it('redacts credentials by name and strips query strings and user info from URLs', async () => {
    const { app, forwarded } = relayApp();
    const body = batchOf((body) => {
      spansOf(body)[0]!.attributes = [
        { key: 'http.request.header.authorization', value: { arrayValue: { values: [{ stringValue: 'Bearer eyJhbGci' }] } } },
        { key: 'http.request.header.cookie', value: { arrayValue: { values: [{ stringValue: 'sid=abc' }] } } },
        { key: 'http.request.header.x-session-id', value: { arrayValue: { values: [{ stringValue: 's3cr3t' }] } } },
        { key: 'http.request.header.x-api-key', value: { arrayValue: { values: [{ stringValue: 'k' }] } } },
        { key: 'http.response.header.set-cookie', value: { arrayValue: { values: [{ stringValue: 'sid=abc' }] } } },
        { key: 'http.request.header.accept', value: { arrayValue: { values: [{ stringValue: 'application/json' }] } } },
        { key: 'http.request.header.referer', value: { arrayValue: { values: [{ stringValue: 'https://shop.example/cart?coupon=X' }] } } },
        { key: 'url.path', value: { stringValue: '/reset?token=abc' } },
        { key: 'url.full', value: { stringValue: 'https://alice:pw@shop.example/pay?api_key=1#x' } },
        { key: 'url.query', value: { stringValue: 'password=hunter2' } },
        { key: 'browser.page.url', value: { stringValue: 'https://shop.example/?access_token=1' } },
        { key: 'browser.auth_token', value: { stringValue: 'abc' } },
        { key: 'http.password', value: { stringValue: 'hunter2' } },
        { key: 'session.id', value: { stringValue: 'session-1' } },
      ];
    });
    assert.equal((await app.request(post(body))).status, 200);
    const redacted = { arrayValue: { values: [{ stringValue: 'REDACTED' }] } };
    assert.deepEqual(forwardedSpans(forwarded)[0]!.attributes, [
      { key: 'http.request.header.authorization', value: redacted },
      { key: 'http.request.header.cookie', value: redacted },
      { key: 'http.request.header.x-session-id', value: redacted },
      { key: 'http.request.header.x-api-key', value: redacted },
      { key: 'http.response.header.set-cookie', value: redacted },
      { key: 'http.request.header.accept', value: { arrayValue: { values: [{ stringValue: 'application/json' }] } } },
      { key: 'http.request.header.referer', value: { arrayValue: { values: [{ stringValue: 'https://shop.example/cart' }] } } },
      { key: 'url.path', value: { stringValue: '/reset' } },
      { key: 'url.full', value: { stringValue: 'https://REDACTED:REDACTED@shop.example/pay' } },
      { key: 'browser.page.url', value: { stringValue: 'https://shop.example/' } },
      { key: 'browser.auth_token', value: { stringValue: 'REDACTED' } },
      { key: 'http.password', value: { stringValue: 'REDACTED' } },
      { key: 'session.id', value: { stringValue: 'session-1' } },
    ]);
  });
});
