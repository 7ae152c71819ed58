// Server-side rendering: the SDK is imported and init() called in Node, with no window, document
// or global addEventListener. Neither may throw, and the journey records nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

test('the entries evaluate, and init() is a no-op noted once, outside a browser', async () => {
  assert.equal(typeof (globalThis as { window?: unknown }).window, 'undefined', 'this test needs a realm without a DOM');
  assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  assert.equal(typeof (globalThis as { addEventListener?: unknown }).addEventListener, 'undefined');

  const notes: string[] = [];
  const record = (message: string) => void notes.push(message);
  const logger: DiagLogger = { error: record, warn: record, info: record, debug: record, verbose: record };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  try {
    const sdk = await import('../index.js');
    const core = await import('../core.js');
    await import('../features.js');

    const journey = sdk.init({ serviceName: 'ssr', relayUrl: 'https://edge.shop.example', propagateTo: ['https://edge.shop.example'], user: { tier: 'vip' } });
    core.init({ serviceName: 'ssr' });

    assert.equal(journey.sampled, false);
    assert.equal(journey.droppedSpans, 0);
    journey.setUser({ tier: 'premium' });
    const result = await journey.step('render', ({ span, traceId }) => {
      assert.equal(span.isRecording(), false);
      assert.match(traceId, /^[0-9a-f]{32}$/);
      return 42;
    });
    assert.equal(result, 42);
    await assert.rejects(
      journey.step('fails', () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    await journey.forceFlush();
    await journey.shutdown();

    const outside = notes.filter((note) => note.includes('outside a browser'));
    assert.equal(outside.length, 1, `one note for two init() calls, got ${JSON.stringify(notes)}`);
  } finally {
    diag.disable();
  }
});
