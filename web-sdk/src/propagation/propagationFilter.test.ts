import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { propagationFilter } from './propagationFilter.js';

describe('propagationFilter', () => {
  const warnings: string[] = [];
  const allowed = propagationFilter(['https://edge.example', /^https:\/\/api\d\.example\//g, 'not a url'], 'https://shop.example', (message) => warnings.push(message));

  it('allows the page origin and the listed origins only', () => {
    assert.equal(allowed(new URL('https://shop.example/api')), true);
    assert.equal(allowed(new URL('https://edge.example/api/checkout')), true);
    assert.equal(allowed(new URL('https://edge.example.evil/api')), false);
    assert.equal(allowed(new URL('https://edge.example:8443/api')), false);
    assert.equal(allowed(new URL('https://third.example/')), false);
  });

  it('gives a global RegExp the same answer every time', () => {
    for (let i = 0; i < 3; i += 1) assert.equal(allowed(new URL('https://api1.example/x')), true);
  });

  it('reports entries that are not URLs', () => {
    assert.deepEqual(warnings, ['journeytrace: propagateTo entry not a url is not a URL; ignored']);
  });
});
