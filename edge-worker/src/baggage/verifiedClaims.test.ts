import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { propagation } from '@opentelemetry/api';
import { applyVerifiedUser } from './verifiedClaims.js';

const claimed = propagation.createBaggage({
  'session.id': { value: 's1' },
  'user.tier': { value: 'vip' },
  'enduser.id': { value: 'someone-else' },
});
const entries = (baggage: ReturnType<typeof applyVerifiedUser>) => Object.fromEntries(baggage.getAllEntries().map(([key, entry]) => [key, entry.value]));

describe('applyVerifiedUser', () => {
  it('drops unverified claims and keeps the rest', () => {
    assert.deepEqual(entries(applyVerifiedUser(claimed, null)), { 'session.id': 's1' });
  });

  it('overwrites claims with verified values, and drops a claim with none', () => {
    assert.deepEqual(entries(applyVerifiedUser(claimed, { 'user.tier': 'premium' })), { 'session.id': 's1', 'user.tier': 'premium' });
    assert.deepEqual(entries(applyVerifiedUser(claimed, { 'user.tier': 'free', 'enduser.id': 'u-1' })), {
      'session.id': 's1',
      'user.tier': 'free',
      'enduser.id': 'u-1',
    });
  });

  it('drops claims under any spelling a reader could decode to a claimed key', () => {
    // Another propagator may keep keys as written: the claim is judged on the canonical key.
    const encoded = propagation.createBaggage({
      'session.id': { value: 's1' },
      'user%2Etier': { value: 'vip' },
      'enduser%2eid': { value: 'victim' },
      'user%252Etier': { value: 'vip' },
    });
    assert.deepEqual(entries(applyVerifiedUser(encoded, null)), { 'session.id': 's1' });
    assert.deepEqual(entries(applyVerifiedUser(encoded, { 'user.tier': 'free' })), { 'session.id': 's1', 'user.tier': 'free' });
  });

  it('adds verified values the browser did not claim', () => {
    assert.deepEqual(entries(applyVerifiedUser(undefined, { 'user.tier': 'premium' })), { 'user.tier': 'premium' });
  });
});
