import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConformanceCalls } from './traceContextConformance.js';

describe('parseConformanceCalls', () => {
  it('reads the harness body', () => {
    assert.deepEqual(parseConformanceCalls([{ url: 'http://127.0.0.1:7777/0', arguments: [] }, { url: 'https://h.example/1' }]), [
      { url: 'http://127.0.0.1:7777/0', arguments: [] },
      { url: 'https://h.example/1', arguments: [] },
    ]);
  });

  it('refuses what is not a list of http calls', () => {
    for (const body of [undefined, null, {}, 'x', [{}], [null], [{ url: 'file:///etc/passwd' }], [{ url: 'http://' }], Array(65).fill({ url: 'http://a/' })]) {
      assert.equal(typeof parseConformanceCalls(body), 'string', JSON.stringify(body)?.slice(0, 40));
    }
  });
});
