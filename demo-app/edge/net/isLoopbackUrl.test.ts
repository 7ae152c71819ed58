import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackUrl } from './isLoopbackUrl.js';

describe('isLoopbackUrl', () => {
  it('counts 127.0.0.0/8, ::1 and localhost, in any form the URL parser normalizes', () => {
    for (const url of [
      'http://127.0.0.1:7777/x',
      'http://127.255.0.9/',
      'http://127.1/',
      'http://0x7f.0.0.1/',
      'http://2130706433/',
      'http://[::1]:8080/',
      'http://[0:0:0:0:0:0:0:1]/',
      'http://LOCALHOST:5173/',
      'https://localhost/',
    ]) {
      assert.ok(isLoopbackUrl(new URL(url)), url);
    }
  });

  it('counts nothing else', () => {
    for (const url of [
      'http://128.0.0.1/',
      'http://10.0.0.1/',
      'http://0.0.0.0/',
      'http://169.254.169.254/latest',
      'http://[::ffff:127.0.0.1]/',
      'http://[::2]/',
      'http://localhost.evil.example/',
      'http://127.0.0.1.nip.io/',
      'http://evil.localhost/',
      'http://example.com/?127.0.0.1',
      'http://user@example.com/',
    ]) {
      assert.ok(!isLoopbackUrl(new URL(url)), url);
    }
  });
});
