import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { followRedirect, isRedirectStatus, type HopRequest } from './redirect.js';

const post = (body: BodyInit | null = '{"a":1}'): HopRequest => ({
  url: new URL('http://origin.test/checkout'),
  method: 'POST',
  headers: new Headers({
    'content-type': 'application/json',
    'content-language': 'en',
    authorization: 'Bearer t',
    cookie: 'c=1',
    'proxy-authorization': 'Basic p',
    'x-kept': 'yes',
  }),
  body,
});

describe('isRedirectStatus', () => {
  it('is the five statuses fetch follows', () => {
    assert.deepEqual([300, 301, 302, 303, 304, 305, 306, 307, 308, 309].filter(isRedirectStatus), [301, 302, 303, 307, 308]);
  });
});

describe('followRedirect', () => {
  it('turns a POST into a GET without body or content headers on 301, 302 and 303', () => {
    for (const status of [301, 302, 303]) {
      const next = followRedirect(post(), status, '/done');
      assert.equal(next.method, 'GET', String(status));
      assert.equal(next.body, null);
      assert.equal(next.headers.get('content-type'), null);
      assert.equal(next.headers.get('content-language'), null);
      assert.equal(next.headers.get('x-kept'), 'yes');
      assert.equal(next.url.href, 'http://origin.test/done');
    }
  });

  it('keeps method and body on 307 and 308, and a PUT on 301 (only a POST becomes a GET there)', () => {
    for (const status of [307, 308]) {
      const next = followRedirect(post(), status, 'http://origin.test/v2');
      assert.deepEqual([next.method, next.body, next.headers.get('content-type')], ['POST', '{"a":1}', 'application/json']);
    }
    const put = followRedirect({ ...post(), method: 'PUT' }, 301, '/v2');
    assert.deepEqual([put.method, put.body], ['PUT', '{"a":1}']);
    const head = followRedirect({ ...post(null), method: 'HEAD' }, 303, '/v2');
    assert.equal(head.method, 'HEAD');
  });

  it('drops the credentials on a hop to another origin, keeps them on the same origin', () => {
    const same = followRedirect(post(), 307, 'http://origin.test/elsewhere');
    assert.equal(same.headers.get('authorization'), 'Bearer t');
    for (const location of ['http://third.example/x', 'https://origin.test/x', 'http://origin.test:8080/x']) {
      const next = followRedirect(post(), 307, location);
      for (const name of ['authorization', 'cookie', 'proxy-authorization']) assert.equal(next.headers.get(name), null, `${name} to ${location}`);
      assert.equal(next.headers.get('x-kept'), 'yes');
    }
  });

  it('leaves the previous request as it was', () => {
    const previous = post();
    followRedirect(previous, 303, 'http://third.example/x');
    assert.equal(previous.headers.get('authorization'), 'Bearer t');
    assert.equal(previous.headers.get('content-type'), 'application/json');
    assert.equal(previous.method, 'POST');
  });

  it('refuses, as a TypeError, what fetch refuses: no URL, not http(s), a spent stream to resend', () => {
    assert.throws(() => followRedirect(post(), 307, 'http://[::1'), TypeError);
    for (const location of ['file:///etc/passwd', 'data:text/plain,x', 'javascript:alert(1)'])
      assert.throws(() => followRedirect(post(), 302, location), TypeError, location);
    const streamed = post(new ReadableStream());
    assert.throws(() => followRedirect(streamed, 307, '/v2'), TypeError);
    assert.equal(followRedirect(streamed, 303, '/v2').body, null, 'a 303 drops the body, so the stream is not needed');
  });
});
