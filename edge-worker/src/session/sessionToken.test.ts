import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signSessionToken, verifySessionToken } from './sessionToken.js';

const SECRET = 'test-secret';

describe('session tokens', () => {
  it('verifies what it signed', async () => {
    const { token, claims } = await signSessionToken({ tier: 'premium', sub: 'u-1' }, SECRET, { ttlSeconds: 60, nowMillis: 1_000_000 });
    assert.deepEqual(await verifySessionToken(token, SECRET, 1_000_000), claims);
    assert.deepEqual(claims, { tier: 'premium', sub: 'u-1', exp: 1060 });
  });

  it('refuses another secret, a changed claim, expiry and garbage', async () => {
    const { token } = await signSessionToken({ tier: 'free' }, SECRET, { ttlSeconds: 60, nowMillis: 1_000_000 });
    assert.equal(await verifySessionToken(token, 'other-secret', 1_000_000), null);
    assert.equal(await verifySessionToken(token, '', 1_000_000), null);
    assert.equal(await verifySessionToken(token, SECRET, 1_060_000), null);
    const [version, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ tier: 'vip', exp: 9_999_999_999 })).toString('base64url');
    assert.equal(await verifySessionToken(`${version}.${forged}.${signature}`, SECRET, 1_000_000), null);
    for (const garbage of ['', 'v1', 'v1..', 'v1.a.b', 'v2.e30.AAAA', `v1.${'A'.repeat(5000)}.AA`, 'v1.!!.??', `${token}.x`]) {
      assert.equal(await verifySessionToken(garbage, SECRET, 1_000_000), null, garbage.slice(0, 40));
    }
  });

  it('refuses a validly signed token whose claims have the wrong shape', async () => {
    const { token } = await signSessionToken({ tier: 42 as unknown as string }, SECRET);
    assert.equal(await verifySessionToken(token, SECRET), null);
  });
});
