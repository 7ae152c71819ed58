import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { otlpRelay } from './index.js';
import type { SpillRequest } from '../spill/spillTo.js';
import { BATCH_ID_HEADER } from '../spill/spillProtocol.js';
import { BROWSER_RESOURCE, browserSpans, jsonBody } from '@journeytrace/tooling/fixtures/testSpans.js';

const SHOP = 'https://shop.example';
const NOW = 1_700_000_100_000;
const BATCH_ID = 'Q2hlY2tvdXQtYmF0Y2gtMQ';

/** A relay whose collector answers `collectorStatus` (0: unreachable), with a spill that records (or refuses). */
function relayApp(collectorStatus: number, spillTakes = true) {
  const spilled: SpillRequest[] = [];
  let forwards = 0;
  const app = new Hono();
  app.post(
    '/v1/traces',
    otlpRelay({
      allowedOrigins: [SHOP],
      serviceNames: [BROWSER_RESOURCE['service.name']],
      collectorUrl: 'http://collector.internal/v1/traces',
      now: () => NOW,
      onForwardError: () => {},
      spill: async (batch) => {
        if (spillTakes) spilled.push(batch);
        return spillTakes;
      },
      fetch: async () => {
        forwards += 1;
        if (collectorStatus === 0) throw new TypeError('connection refused');
        return new Response('{}', { status: collectorStatus });
      },
    }),
  );
  return { app, spilled, forwards: () => forwards };
}

async function post(app: Hono, headers: Record<string, string> = {}) {
  const body = jsonBody(await browserSpans(NOW - 90_000));
  return app.request('http://edge.example/v1/traces', {
    method: 'POST',
    headers: { origin: SHOP, 'content-type': 'application/json', ...headers },
    body: body as Uint8Array<ArrayBuffer>,
  });
}

describe('otlpRelay with a spill', () => {
  for (const [label, status] of [
    ['unreachable', 0],
    ['answering 503', 503],
    ['answering 429', 429],
  ] as const) {
    it(`holds the batch and answers 202 while the collector is ${label}`, async () => {
      const { app, spilled } = relayApp(status);
      const response = await post(app);
      assert.equal(response.status, 202);
      assert.equal(spilled.length, 1);
      assert.equal(spilled[0]!.contentEncoding, 'gzip');
      const json = JSON.parse(
        await new Response(new Blob([spilled[0]!.body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'))).text(),
      );
      assert.equal(json.resourceSpans[0].scopeSpans[0].spans.length, spilled[0]!.spanCount, 'the held body is the validated OTLP/JSON batch');
    });
  }

  it('answers 502 only when the spill cannot hold the batch either', async () => {
    const { app } = relayApp(0, false);
    assert.equal((await post(app)).status, 502);
  });

  it('does not hold a batch the collector refused for good (400): the page is told', async () => {
    const { app, spilled } = relayApp(400);
    assert.equal((await post(app)).status, 400);
    assert.equal(spilled.length, 0);
  });

  it('passes a batch id on once: a page sending it again gets 200 and nothing is forwarded or held twice', async () => {
    const forwarded = relayApp(200);
    assert.equal((await post(forwarded.app, { [BATCH_ID_HEADER]: BATCH_ID })).status, 200);
    assert.equal((await post(forwarded.app, { [BATCH_ID_HEADER]: BATCH_ID })).status, 200);
    assert.equal(forwarded.forwards(), 1);

    const held = relayApp(0);
    assert.equal((await post(held.app, { [BATCH_ID_HEADER]: BATCH_ID })).status, 202);
    assert.equal((await post(held.app, { [BATCH_ID_HEADER]: BATCH_ID })).status, 200);
    assert.equal(held.spilled.length, 1);
    assert.equal(held.spilled[0]!.batchId, BATCH_ID, 'the id goes with the batch into the store');
  });
});
