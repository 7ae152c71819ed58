import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scriptTagOptions } from './scriptConfig.js';

describe('scriptTagOptions', () => {
  it('reads data-* attributes (as a dataset) over the global object', () => {
    const options = scriptTagOptions(
      {
        serviceName: 'shop-web',
        relayUrl: 'https://edge.example',
        propagateTo: 'https://edge.example, https://api.example',
        sampleRate: '0.5',
        sampleRateByTier: 'vip=1, free=0.1',
        userTier: 'vip',
        logLevel: 'warn',
        webVitals: 'false',
        errors: 'true',
        xhr: 'true',
      },
      { serviceName: 'global', OTEL_BSP_SCHEDULE_DELAY: '200', user: { id: 'u1' } },
    );
    assert.deepEqual(options, {
      serviceName: 'shop-web',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      relayUrl: 'https://edge.example',
      propagateTo: ['https://edge.example', 'https://api.example'],
      sampleRate: '0.5',
      sampleRateByTier: { vip: 1, free: 0.1 },
      logLevel: 'warn',
      user: { id: 'u1', tier: 'vip' },
      webVitals: false,
      errors: true,
      xhr: true,
    });
  });

  it('ignores empty attributes and a global that is not an object', () => {
    assert.deepEqual(scriptTagOptions({ serviceName: ' ', collectorUrl: '' }, 'oops'), {});
  });
});
