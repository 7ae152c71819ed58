import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { originPattern } from './originPattern.js';

describe('originPattern', () => {
  const edge = originPattern('http://127.0.0.1:8787')!;

  it('matches URLs of the origin', () => {
    assert.ok(edge.test('http://127.0.0.1:8787/api/checkout'));
    assert.ok(edge.test('http://127.0.0.1:8787'));
    assert.ok(edge.test('http://127.0.0.1:8787?x=1'));
  });

  it('does not match look-alike origins a prefix test would', () => {
    assert.ok(!edge.test('http://127.0.0.1:87870/api'));
    assert.ok(!edge.test('http://127.0.0.1:8787.evil.example/api'));
    assert.ok(!edge.test('https://127.0.0.1:8787/api'));
    assert.ok(!originPattern('https://shop.example')!.test('https://shop.example.evil/'));
  });

  it('normalises the entry to its origin', () => {
    assert.ok(originPattern('https://shop.example/some/path')!.test('https://shop.example/api'));
  });

  it('takes regular expressions as they are, without the g and y flags (their lastIndex would carry over)', () => {
    const pattern = originPattern(/^https:\/\/api\d\./giy)!;
    assert.equal(pattern.source, '^https:\\/\\/api\\d\\.');
    assert.equal(pattern.flags, 'i');
    for (let i = 0; i < 3; i += 1) assert.ok('https://API1.example/x'.match(pattern));
  });

  it('ignores entries that are not URLs', () => {
    assert.equal(originPattern('not a url'), undefined);
    assert.equal(originPattern(''), undefined);
  });
});
