import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionTokenVerifier, signSessionToken } from '@journeytrace/edge';
import { DEV_SESSION_SECRET, sessionSecretFor } from './sessionSecret.js';

const at = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });

describe('sessionSecretFor', () => {
  it('gives the development value in local dev only (a request to a loopback address)', () => {
    const env = { SESSION_SECRET: DEV_SESSION_SECRET };
    for (const url of ['http://127.0.0.1:8787/api/checkout', 'http://localhost:8787/', 'http://[::1]:8787/'])
      assert.equal(sessionSecretFor(env, at(url)), DEV_SESSION_SECRET, url);
    for (const url of ['https://edge.shop.example/api/checkout', 'https://journeytrace-edge.acme.workers.dev/', 'http://10.0.0.5:8787/'])
      assert.equal(sessionSecretFor(env, at(url)), undefined, url);
  });

  it('gives any other secret wherever the request came', () => {
    assert.equal(sessionSecretFor({ SESSION_SECRET: 'a-real-secret' }, at('https://edge.shop.example/')), 'a-real-secret');
    assert.equal(sessionSecretFor({}, at('http://127.0.0.1/')), undefined);
  });

  it('a token signed with the development value is not trusted outside local dev', async () => {
    const verifyUser = sessionTokenVerifier<{ SESSION_SECRET?: string }>({ secret: sessionSecretFor });
    const { token } = await signSessionToken({ tier: 'vip', sub: 'anyone' }, DEV_SESSION_SECRET);
    const env = { SESSION_SECRET: DEV_SESSION_SECRET };
    const authorization = `Bearer ${token}`;
    assert.equal(await verifyUser(at('https://edge.shop.example/api/checkout', { authorization }), env), null);
    assert.deepEqual(await verifyUser(at('http://127.0.0.1:8787/api/checkout', { authorization }), env), { 'user.tier': 'vip', 'enduser.id': 'anyone' });
  });
});
