/**
 * The Playwright kit's Jaeger source against a real Jaeger (v2, built from the module proxy, in-
 * memory storage): spans exported to its OTLP/HTTP receiver come back through its API v3 and the
 * kit's assertions hold on them, ids, kinds, status, events and links intact.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureJaeger } from '@journeytrace/tooling/setup/jaeger.js';
import { freePort } from '@journeytrace/tooling/stack/ports.js';
import { startService, type RunningService } from '@journeytrace/tooling/stack/service.js';
import { jaegerSource } from '@journeytrace/playwright/backends';
import { waitForJourney } from '@journeytrace/playwright/wait';

const config = `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:\${env:JAEGER_QUERY_PORT}
    grpc:
      endpoint: 127.0.0.1:\${env:JAEGER_QUERY_GRPC_PORT}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 1000
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:\${env:JAEGER_OTLP_PORT}
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;

const nanos = (millis: number) => `${BigInt(Date.now() + millis) * 1_000_000n}`;

describe('jaegerSource against a real Jaeger', () => {
  let jaeger: RunningService;
  let queryUrl: string;
  let otlpUrl: string;

  before(async () => {
    const binary = await ensureJaeger();
    const dir = mkdtempSync(join(tmpdir(), 'jt-jaeger-'));
    writeFileSync(join(dir, 'config.yaml'), config);
    const [query, grpc, otlp] = [await freePort(), await freePort(), await freePort()];
    queryUrl = `http://127.0.0.1:${query}`;
    otlpUrl = `http://127.0.0.1:${otlp}`;
    jaeger = await startService({
      name: 'jaeger',
      command: binary,
      args: ['--config', join(dir, 'config.yaml')],
      env: { ...process.env, JAEGER_QUERY_PORT: String(query), JAEGER_QUERY_GRPC_PORT: String(grpc), JAEGER_OTLP_PORT: String(otlp) },
      logFile: join(dir, 'jaeger.log'),
      readyUrl: `${queryUrl}/api/v3/services`,
      readyTimeoutMillis: 60_000,
    });
  });
  after(() => jaeger?.stop());

  it('reads back what was exported to it, and the assertions hold', async () => {
    const traceId = randomBytes(16).toString('hex');
    const [serverId, clientId] = [randomBytes(8).toString('hex'), randomBytes(8).toString('hex')];
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout-api' } }] },
          scopeSpans: [
            {
              scope: { name: 'test' },
              spans: [
                {
                  traceId,
                  spanId: serverId,
                  name: 'POST /checkout',
                  kind: 2,
                  startTimeUnixNano: nanos(0),
                  endTimeUnixNano: nanos(120),
                  attributes: [{ key: 'user.tier', value: { stringValue: 'vip' } }],
                  events: [{ timeUnixNano: nanos(60), name: 'exception', attributes: [{ key: 'exception.type', value: { stringValue: 'PaymentError' } }] }],
                  status: { code: 2 },
                },
                {
                  traceId,
                  spanId: clientId,
                  parentSpanId: serverId,
                  name: 'publish orders',
                  kind: 4,
                  startTimeUnixNano: nanos(10),
                  endTimeUnixNano: nanos(20),
                  links: [{ traceId, spanId: serverId, attributes: [{ key: 'messaging.operation.type', value: { stringValue: 'send' } }] }],
                },
              ],
            },
          ],
        },
      ],
    };
    const exported = await fetch(`${otlpUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(exported.status, 200, await exported.text());

    const trace = await waitForJourney(jaegerSource({ url: queryUrl }), traceId, { timeoutMillis: 20_000, settleMillis: 300 });
    const [server, producer] = trace.expectChain({ service: 'checkout-api', kind: 'SERVER' }, { service: 'checkout-api', kind: 'PRODUCER' });
    assert.equal(server!.spanId, serverId);
    assert.equal(server!.statusCode, 2);
    assert.equal(server!.endMillis - server!.startMillis, 120);
    assert.equal(producer!.parentSpanId, serverId);
    trace
      .expectAttribute({ kind: 'SERVER' }, 'user.tier', 'vip')
      .expectNoErrors({ allow: [{ kind: 'SERVER' }] })
      .expectShape('checkout-api SERVER POST /checkout\n  checkout-api PRODUCER publish orders');
    trace.expectEvent({ kind: 'SERVER' }, 'exception', { 'exception.type': 'PaymentError' });
    trace.expectLink({ kind: 'PRODUCER' }, { kind: 'SERVER' }, { 'messaging.operation.type': 'send' });
  });

  it('a trace it does not have is no spans yet', async () => {
    assert.deepEqual(await jaegerSource({ url: queryUrl }).spans(randomBytes(16).toString('hex')), []);
  });
});
