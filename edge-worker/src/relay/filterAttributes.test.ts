import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JOURNEY_BAGGAGE } from '@journeytrace/contract';
import { attributeAllowList, DEFAULT_RELAYED_RESOURCE_ATTRIBUTES, DEFAULT_RELAYED_SPAN_ATTRIBUTES } from './filterAttributes.js';

describe('the relay’s default allow-lists follow the contract’s baggage table', () => {
  const onSpans = attributeAllowList(DEFAULT_RELAYED_SPAN_ATTRIBUTES);
  const onResources = attributeAllowList(DEFAULT_RELAYED_RESOURCE_ATTRIBUTES);

  for (const entry of JOURNEY_BAGGAGE) {
    const relayed = entry.sentByBrowser && !entry.claimed;
    it(`${entry.key}: ${relayed ? 'kept on browser spans and resources' : 'a claim, never relayed from the browser'}`, () => {
      assert.equal(onSpans(entry.key), relayed);
      assert.equal(onResources(entry.key), relayed);
    });
  }
});
