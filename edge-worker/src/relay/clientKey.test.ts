import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { platformClientKey, SHARED_CLIENT_KEY } from './clientKey.js';

/** A request as workerd hands it over: with Cloudflare's `cf` object when `cf` is given. */
function request(url: string, headers: Record<string, string>, cf?: Record<string, unknown>): Request {
  const made = new Request(url, { method: 'POST', headers });
  return cf ? Object.assign(made, { cf }) : made;
}

const CF = { colo: 'AMS', asn: 64500 };

describe('platformClientKey', () => {
  it("on Cloudflare's edge (a cf object, a domain name): the client's address", () => {
    assert.equal(platformClientKey(request('https://shop.example/v1/traces', { 'cf-connecting-ip': '203.0.113.7' }, CF)), '203.0.113.7');
    assert.equal(platformClientKey(request('https://edge.shop.workers.dev/v1/traces', { 'cf-connecting-ip': '2001:db8::1' }, CF)), '2001:db8::1');
  });

  it("off Cloudflare (no cf object): the header is the client's own word, every request shares one key", () => {
    for (const ip of ['203.0.113.7', '198.51.100.1', '10.0.0.1']) {
      assert.equal(platformClientKey(request('https://shop.example/v1/traces', { 'cf-connecting-ip': ip })), SHARED_CLIENT_KEY);
    }
  });

  it('in wrangler dev (a placeholder cf object, a loopback or IP address): one key', () => {
    for (const url of [
      'http://127.0.0.1:8787/v1/traces',
      'http://localhost:8787/v1/traces',
      'http://[::1]:8787/v1/traces',
      'http://app.localhost/v1/traces',
      'http://192.168.1.20:8787/v1/traces',
      'http://LOCALHOST./v1/traces',
    ]) {
      assert.equal(platformClientKey(request(url, { 'cf-connecting-ip': '203.0.113.7' }, CF)), SHARED_CLIENT_KEY, url);
    }
  });

  it('no header, an empty one, or a cf that is not an object: one key', () => {
    assert.equal(platformClientKey(request('https://shop.example/v1/traces', {}, CF)), SHARED_CLIENT_KEY);
    assert.equal(platformClientKey(request('https://shop.example/v1/traces', { 'cf-connecting-ip': '  ' }, CF)), SHARED_CLIENT_KEY);
    const withString = Object.assign(new Request('https://shop.example/v1/traces', { headers: { 'cf-connecting-ip': '203.0.113.7' } }), { cf: 'AMS' });
    assert.equal(platformClientKey(withString), SHARED_CLIENT_KEY);
  });
});
