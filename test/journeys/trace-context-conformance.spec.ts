/**
 * The edge's W3C trace-context test endpoint, driven as the W3C suite drives it: a harness
 * (here a local HTTP server) receives the worker's callbacks and checks the propagated context.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { unstable_dev } from 'wrangler';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';

const ENDPOINT = '/__conformance/trace-context';
const edgeUrl = () => process.env.JOURNEYTRACE_EDGE_URL ?? '';
const TRACE_ID = '12345678901234567890123456789012';
const PARENT_ID = '1234567890123456';

let harness: Server;
let harnessUrl = '';
const callbacks = new Map<string, IncomingHttpHeaders>();

test.beforeAll(async () => {
  harness = createServer((request, response) => {
    request.resume().on('end', () => {
      callbacks.set(request.url ?? '', request.headers);
      response.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => harness.listen(0, '127.0.0.1', resolve));
  harnessUrl = `http://127.0.0.1:${(harness.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((resolve) => harness.close(() => resolve())));

/** One harness round: the edge is asked to call back `count` times; returns each callback's headers. */
async function propagate(headers: Array<[string, string]>, count = 1): Promise<IncomingHttpHeaders[]> {
  const round = randomBytes(4).toString('hex');
  const calls = Array.from({ length: count }, (_, i) => ({ url: `${harnessUrl}/${round}/${i}`, arguments: [] }));
  const sent = new Headers({ 'content-type': 'application/json' });
  for (const [name, value] of headers) sent.append(name, value);
  const response = await fetch(`${edgeUrl()}${ENDPOINT}`, { method: 'POST', headers: sent, body: JSON.stringify(calls) });
  expect(response.status).toBe(200);
  return calls.map((call) => {
    const received = callbacks.get(new URL(call.url).pathname);
    expect(received, `callback ${call.url}`).toBeDefined();
    return received!;
  });
}

const fields = (headers: IncomingHttpHeaders) => {
  const [version, traceId, parentId, flags] = String(headers.traceparent).split('-');
  return { version, traceId, parentId, flags, tracestate: headers.tracestate };
};

test('continues the trace with a new parent id per call, tracestate passed on', async () => {
  const received = (
    await propagate(
      [
        ['traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`],
        ['tracestate', 'foo=1,bar=2'],
      ],
      3,
    )
  ).map(fields);
  for (const callback of received) {
    expect(callback).toMatchObject({ version: '00', traceId: TRACE_ID, flags: '01', tracestate: 'foo=1,bar=2' });
    expect(callback.parentId).not.toBe(PARENT_ID);
  }
  expect(new Set(received.map((callback) => callback.parentId)).size).toBe(3);
});

test('keeps the Level 2 random flag, sampled or not', async () => {
  expect(fields((await propagate([['traceparent', `00-${TRACE_ID}-${PARENT_ID}-03`]]))[0]!)).toMatchObject({ traceId: TRACE_ID, flags: '03' });
  expect(fields((await propagate([['traceparent', `00-${TRACE_ID}-${PARENT_ID}-02`]]))[0]!)).toMatchObject({ traceId: TRACE_ID, flags: '02' });
});

test('passes 32 tracestate members (over several headers) and drops a list of 33', async () => {
  const member = (i: number) => `bar${String(i).padStart(2, '0')}=${String(i).padStart(2, '0')}`;
  const headersOf = (count: number): Array<[string, string]> => [
    ['traceparent', `00-${TRACE_ID}-${PARENT_ID}-00`],
    ['tracestate', Array.from({ length: 16 }, (_, i) => member(i + 1)).join(',')],
    ['tracestate', Array.from({ length: count - 16 }, (_, i) => member(i + 17)).join(',')],
  ];
  const kept = fields((await propagate(headersOf(32)))[0]!);
  expect(String(kept.tracestate).split(',')).toHaveLength(32);
  const dropped = fields((await propagate(headersOf(33)))[0]!);
  expect(dropped.traceId).toBe(TRACE_ID);
  expect(dropped.tracestate).toBeUndefined();
});

test('drops tracestate with illegal keys or values, keeps the trace', async () => {
  for (const tracestate of ['FOO=1', '@foo=1,bar=2', `${'z'.repeat(257)}=1`, 'foo=bar=baz']) {
    const callback = fields(
      (
        await propagate([
          ['traceparent', `00-${TRACE_ID}-${PARENT_ID}-00`],
          ['tracestate', tracestate],
        ])
      )[0]!,
    );
    expect(callback.traceId, tracestate).toBe(TRACE_ID);
    expect(callback.tracestate, tracestate).toBeUndefined();
  }
});

test('passes on keys of the Level 2 grammar: @ anywhere after the first character, a digit first, 256 characters', async () => {
  for (const key of ['foo@', 'foo@@bar', 'foo@bar@baz', `${'t'.repeat(242)}@v`, `t@${'v'.repeat(15)}`, '0abc', 'z'.repeat(256)]) {
    const callback = fields(
      (
        await propagate([
          ['traceparent', `00-${TRACE_ID}-${PARENT_ID}-00`],
          ['tracestate', `${key}=1,bar=2`],
        ])
      )[0]!,
    );
    expect(callback.tracestate, key).toBe(`${key}=1,bar=2`);
  }
});

test('passes on a duplicated tracestate key once, with its first value', async () => {
  const cases: Array<[Array<[string, string]>, string]> = [
    [[['tracestate', 'foo=1,foo=1']], 'foo=1'],
    [[['tracestate', 'foo=1,foo=2']], 'foo=1'],
    [
      [
        ['tracestate', 'foo=1'],
        ['tracestate', 'foo=1'],
      ],
      'foo=1',
    ],
    [
      [
        ['tracestate', 'foo=1'],
        ['tracestate', 'bar=2,foo=2'],
      ],
      'foo=1,bar=2',
    ],
  ];
  for (const [tracestate, expected] of cases) {
    const callback = fields((await propagate([['traceparent', `00-${TRACE_ID}-${PARENT_ID}-00`], ...tracestate]))[0]!);
    expect(callback.traceId).toBe(TRACE_ID);
    expect(callback.tracestate, JSON.stringify(tracestate)).toBe(expected);
  }
});

test('starts a new trace for duplicated, version ff, all-zero or uppercase traceparents', async () => {
  const invalid: Array<Array<[string, string]>> = [
    [
      ['traceparent', `00-${TRACE_ID.replace('12', '11')}-${PARENT_ID}-01`],
      ['traceparent', `00-${TRACE_ID}-${PARENT_ID}-01`],
    ],
    [['traceparent', `ff-${TRACE_ID}-${PARENT_ID}-01`]],
    [['traceparent', `00-${'0'.repeat(32)}-${PARENT_ID}-01`]],
    [['traceparent', `00-${TRACE_ID}-${'0'.repeat(16)}-01`]],
    [['traceparent', `00-${TRACE_ID.replace('1', 'A')}-${PARENT_ID}-01`]],
    [['traceparent', `00-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`]],
  ];
  for (const headers of invalid) {
    const callback = fields((await propagate([...headers, ['tracestate', 'foo=1']]))[0]!);
    expect(callback.traceId, JSON.stringify(headers)).toMatch(/^[0-9a-f]{32}$/);
    expect(callback.traceId, JSON.stringify(headers)).not.toMatch(/^(12345678901234567890123456789012|11345678901234567890123456789012|0{32})$/);
    expect(callback.tracestate, JSON.stringify(headers)).toBeUndefined();
  }
});

test('continues a future version and white-space-padded headers', async () => {
  for (const traceparent of [`cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-will-be-like`, ` \t00-${TRACE_ID}-${PARENT_ID}-01\t `]) {
    expect(fields((await propagate([['traceparent', traceparent]]))[0]!)).toMatchObject({ version: '00', traceId: TRACE_ID });
  }
});

test('answers 400 to a body that is not a list of calls', async () => {
  const response = await fetch(`${edgeUrl()}${ENDPOINT}`, { method: 'POST', body: '{"url":1}' });
  expect(response.status).toBe(400);
});

test('posts only to loopback: a list naming another address gets 403 and nothing is posted', async () => {
  for (const other of ['http://harness.invalid/1', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:127.0.0.1]:9/1']) {
    const round = randomBytes(4).toString('hex');
    const calls = [
      { url: `${harnessUrl}/${round}/0`, arguments: [] },
      { url: other, arguments: [] },
    ];
    const response = await fetch(`${edgeUrl()}${ENDPOINT}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(calls) });
    expect(response.status, other).toBe(403);
    expect(await response.text()).toContain('only to loopback');
    expect(callbacks.has(`/${round}/0`), 'the loopback call before it was not made either').toBe(false);
  }
});

test('does not exist without EDGE_CONFORMANCE=1', async () => {
  const worker = await unstable_dev(join(ROOT, 'demo-app/edge/worker.ts'), {
    config: join(ROOT, 'demo-app/edge/wrangler.toml'),
    ip: '127.0.0.1',
    experimental: { disableExperimentalWarning: true },
  });
  try {
    const response = await worker.fetch(ENDPOINT, { method: 'POST', body: JSON.stringify([{ url: `${harnessUrl}/never`, arguments: [] }]) });
    expect(response.status).toBe(404);
    expect(callbacks.has('/never')).toBe(false);
  } finally {
    await worker.stop();
  }
});
