import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContextKey } from '@opentelemetry/api';
import { contextApi } from '../tracer/api.js';
import { EdgeContext } from './EdgeContext.js';
import { activeContext, installContextManager, withActiveContext } from './activeContext.js';

const KEY = createContextKey('test');

describe('activeContext', () => {
  it('answers as the API does, directly while ours is the global manager and through the API after context.disable()', () => {
    installContextManager();
    const context = EdgeContext.ROOT.setValue(KEY, 'v');
    withActiveContext(context, () => {
      assert.equal(activeContext(), context);
      assert.equal(contextApi.active(), context);
    });
    contextApi.with(context, () => assert.equal(activeContext(), context));
    assert.equal(activeContext().getValue(KEY), undefined);

    contextApi.disable();
    withActiveContext(context, () => {
      assert.equal(activeContext(), contextApi.active());
      assert.equal(activeContext().getValue(KEY), undefined, 'no manager: nothing is active, as the API says');
    });
  });
});
