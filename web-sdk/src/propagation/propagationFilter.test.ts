import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { propagationPatterns } from './propagationFilter.js';

describe('propagationPatterns', () => {
  const warnings: string[] = [];
  const patterns = propagationPatterns(['https://edge.example', /^https:\/\/api\d\.example\//g, 'not a url'], (message) => warnings.push(message));
  // As instrumentation-fetch applies them (urlMatches: String.prototype.match).
  const allowed = (url: string) => patterns.some((pattern) => Boolean(url.match(pattern)));

  it('allows the listed origins only', () => {
    assert.equal(allowed('https://edge.example/api/checkout'), true);
    assert.equal(allowed('https://edge.example.evil/api'), false);
    assert.equal(allowed('https://edge.example:8443/api'), false);
    assert.equal(allowed('https://third.example/'), false);
  });

  it('gives a global RegExp the same answer every time', () => {
    for (let i = 0; i < 3; i += 1) assert.equal(allowed('https://api1.example/x'), true);
  });

  it('reports entries that are not URLs', () => {
    assert.deepEqual(warnings, ['journeytrace: propagateTo entry not a url is not a URL; ignored']);
  });
});
