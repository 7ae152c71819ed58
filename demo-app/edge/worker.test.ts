/**
 * The demo worker's doors: the sign-in and the conformance endpoint exist only where a run turns
 * them on, the conformance endpoint posts only to loopback, and the public development session
 * secret signs nothing outside local dev.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ExecutionContext } from 'hono';
import worker, { type EdgeBindings } from './worker.js';
import { DEV_SESSION_SECRET } from './demo/sessionSecret.js';

const ctx: ExecutionContext = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
const quiet = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' };
const bindings = (extra: Partial<EdgeBindings>): EdgeBindings => ({
  ORIGIN_URL: 'http://127.0.0.1:9',
  ALLOWED_ORIGINS: 'http://127.0.0.1:5173',
  ...quiet,
  ...extra,
});

const signIn = (base: string, env: EdgeBindings) =>
  worker.fetch(new Request(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tier":"vip"}' }), env, ctx);

describe('demo sign-in', () => {
  it('does not exist without EDGE_DEMO_SIGN_IN=1', async () => {
    for (const flag of [undefined, '0', 'true']) {
      const response = await signIn('https://edge.shop.example', bindings({ SESSION_SECRET: 'a-real-secret', EDGE_DEMO_SIGN_IN: flag }));
      assert.equal(response.status, 404, String(flag));
    }
  });

  it('signs in with EDGE_DEMO_SIGN_IN=1', async () => {
    const response = await signIn('https://edge.shop.example', bindings({ SESSION_SECRET: 'a-real-secret', EDGE_DEMO_SIGN_IN: '1' }));
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { tier: string }).tier, 'vip');
  });

  it('refuses to sign with the public development secret outside local dev, and signs with it on loopback', async () => {
    const env = bindings({ SESSION_SECRET: DEV_SESSION_SECRET, EDGE_DEMO_SIGN_IN: '1' });
    const refused = await signIn('https://edge.shop.example', env);
    assert.equal(refused.status, 500);
    assert.match(((await refused.json()) as { error: string }).error, /public development value/);
    assert.equal((await signIn('http://127.0.0.1:8787', env)).status, 200);
  });
});

describe('conformance endpoint', () => {
  const posted: string[] = [];
  const realFetch = globalThis.fetch;
  beforeEach(() => {
    posted.length = 0;
    globalThis.fetch = async (input, init) => {
      posted.push(new Request(input, init).url);
      return new Response('{}');
    };
  });
  afterEach(() => {
    globalThis.fetch = realFetch;
  });
  const drive = (urls: string[], extra: Partial<EdgeBindings> = { EDGE_CONFORMANCE: '1' }) =>
    worker.fetch(
      new Request('http://127.0.0.1:8787/__conformance/trace-context', { method: 'POST', body: JSON.stringify(urls.map((url) => ({ url, arguments: [] }))) }),
      bindings(extra),
      ctx,
    );

  it('does not exist without EDGE_CONFORMANCE=1', async () => {
    assert.equal((await drive(['http://127.0.0.1:7777/0'], {})).status, 404);
    assert.deepEqual(posted, []);
  });

  it('posts to loopback harness URLs', async () => {
    assert.equal((await drive(['http://127.0.0.1:7777/0', 'http://localhost:7777/1', 'http://[::1]:7777/2'])).status, 200);
    assert.deepEqual(posted, ['http://127.0.0.1:7777/0', 'http://localhost:7777/1', 'http://[::1]:7777/2']);
  });

  it('does not follow a harness redirect off loopback', async () => {
    globalThis.fetch = async (input, init) => {
      posted.push(new Request(input, init).url);
      return new Response(null, { status: 307, headers: { location: 'https://example.com/elsewhere' } });
    };
    assert.equal((await drive(['http://127.0.0.1:7777/0'])).status, 200);
    assert.deepEqual(posted, ['http://127.0.0.1:7777/0']);
  });

  it('refuses, with 403 and before posting anything, a list naming any other address', async () => {
    for (const other of ['https://example.com/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/', 'http://[::ffff:127.0.0.1]/']) {
      const response = await drive(['http://127.0.0.1:7777/0', other]);
      assert.equal(response.status, 403, other);
      assert.match(await response.text(), /only to loopback/);
    }
    assert.deepEqual(posted, []);
  });
});
