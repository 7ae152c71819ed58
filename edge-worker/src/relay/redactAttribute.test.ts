import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCredentialKey, redactAttribute, REDACTED, stripQuery } from './redactAttribute.js';

describe('redactAttribute', () => {
  it('knows credential header names, request and response, session headers included', () => {
    for (const key of [
      'http.request.header.authorization',
      'http.request.header.proxy-authorization',
      'http.request.header.cookie',
      'http.response.header.set-cookie',
      'http.request.header.x-api-key',
      'http.request.header.api_key',
      'http.request.header.x-auth-token',
      'http.request.header.x-csrf-token',
      'http.request.header.x-session-id',
      'http.request.header.sid',
      'http.request.header.x-amz-security-token',
      'HTTP.REQUEST.HEADER.AUTHORIZATION',
    ]) {
      assert.equal(isCredentialKey(key), true, key);
    }
    for (const key of ['http.request.header.accept', 'http.request.header.content-type', 'http.response.header.server-timing', 'http.request.method']) {
      assert.equal(isCredentialKey(key), false, key);
    }
  });

  it('knows credential attribute names, but not the kit’s own session.id', () => {
    for (const key of ['browser.auth_token', 'http.password', 'url.api_key', 'browser.client_secret', 'journey.jwt'])
      assert.equal(isCredentialKey(key), true, key);
    for (const key of ['session.id', 'session.previous_id', 'browser.brands', 'url.full', 'web_vital.name']) assert.equal(isCredentialKey(key), false, key);
  });

  it('redacts to REDACTED, keeping an array an array', () => {
    assert.deepEqual(
      redactAttribute('http.request.header.authorization', { arrayValue: { values: [{ stringValue: 'Bearer x' }, { stringValue: 'Basic y' }] } }, 100),
      {
        arrayValue: { values: [{ stringValue: REDACTED }] },
      },
    );
    assert.deepEqual(redactAttribute('browser.token', { intValue: '42' }, 100), { stringValue: REDACTED });
  });

  it('strips query, fragment and user info from URLs, by key and wherever a whole value is an absolute URL', () => {
    assert.equal(stripQuery('https://u:p@a.example/p?token=1#x'), 'https://REDACTED:REDACTED@a.example/p');
    assert.equal(stripQuery('https://a.example/p#x?y'), 'https://a.example/p');
    assert.equal(stripQuery('/p'), '/p');
    assert.deepEqual(redactAttribute('url.path', { stringValue: '/reset?token=abc' }, 100), { stringValue: '/reset' });
    assert.deepEqual(redactAttribute('http.target', { stringValue: '/pay?card=4111' }, 100), { stringValue: '/pay' });
    assert.deepEqual(redactAttribute('browser.page.url', { stringValue: 'https://shop.example/?code=1' }, 100), { stringValue: 'https://shop.example/' });
    assert.deepEqual(redactAttribute('http.request.header.referer', { arrayValue: { values: [{ stringValue: 'https://shop.example/a?b=c' }] } }, 100), {
      arrayValue: { values: [{ stringValue: 'https://shop.example/a' }] },
    });
    // Not a URL, not a URL key: a question mark in free text stays.
    assert.deepEqual(redactAttribute('exception.message', { stringValue: 'what? no' }, 100), { stringValue: 'what? no' });
  });

  it('cuts string values at the length limit, inside arrays and kvlists too; other types pass', () => {
    assert.deepEqual(redactAttribute('http.x', { stringValue: 'abcdef' }, 3), { stringValue: 'abc' });
    assert.deepEqual(redactAttribute('http.x', { arrayValue: { values: [{ stringValue: 'abcdef' }, { intValue: '1' }] } }, 3), {
      arrayValue: { values: [{ stringValue: 'abc' }, { intValue: '1' }] },
    });
    assert.deepEqual(redactAttribute('http.x', { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'abcdef' } }] } }, 3), {
      kvlistValue: { values: [{ key: 'k', value: { stringValue: 'abc' } }] },
    });
    assert.deepEqual(redactAttribute('http.x', { doubleValue: 1.5 }, 3), { doubleValue: 1.5 });
  });
});
