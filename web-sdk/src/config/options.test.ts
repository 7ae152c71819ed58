import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rateFor } from '../sampling/SessionSampler.js';
import { resolveConfig, type JourneyTraceEnv, type JourneyTraceOptions } from './options.js';

function resolve(options: JourneyTraceOptions & JourneyTraceEnv, origin = 'https://shop.example') {
  const warnings: string[] = [];
  const config = resolveConfig(options, (message) => warnings.push(message), origin);
  return { config, warnings };
}

describe('resolveConfig', () => {
  it('fills defaults: same-origin relay, no warnings', () => {
    const { config, warnings } = resolve({ serviceName: 'shop-web' });
    assert.equal(config.tracesUrl, 'https://shop.example/v1/traces');
    assert.equal(config.relay, true);
    assert.equal(config.sampleRate, 1);
    assert.deepEqual(batch(config), [1000, 2048, 512]);
    assert.deepEqual([config.sessionInactivityTimeoutMillis, config.sessionMaxDurationMillis], [30 * 60_000, 4 * 60 * 60_000]);
    assert.equal(config.compression, 'gzip');
    assert.deepEqual(warnings, []);
  });

  it('posts to a collector or a relay, trimming slashes, relay winning with a warning', () => {
    assert.deepEqual(pick(resolve({ collectorUrl: 'http://127.0.0.1:4318/' }).config), ['http://127.0.0.1:4318/v1/traces', false]);
    assert.deepEqual(pick(resolve({ relayUrl: 'https://edge.shop.example' }).config), ['https://edge.shop.example/v1/traces', true]);
    const both = resolve({ relayUrl: 'https://edge.example', collectorUrl: 'https://otel.example' });
    assert.deepEqual(pick(both.config), ['https://edge.example/v1/traces', true]);
    assert.equal(both.warnings.length, 1);
  });

  it('takes OTEL_* names when the option is absent, the option when both are there', () => {
    const { config } = resolve({
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,team=web%20shop',
    });
    assert.equal(config.serviceName, 'from-env');
    assert.equal(config.tracesUrl, 'http://collector:4318/v1/traces');
    assert.equal(config.sampleRate, 0.25);
    assert.deepEqual(batch(config), [200, 100, 50]);
    assert.equal(config.compression, 'none');
    assert.deepEqual(config.resourceAttributes, { 'deployment.environment.name': 'prod', team: 'web shop' });
    assert.equal(resolve({ serviceName: 'option', OTEL_SERVICE_NAME: 'env' }).config.serviceName, 'option');
  });

  it('clamps out-of-range numbers and replaces garbage, warning each time, never throwing', () => {
    const { config, warnings } = resolve({
      sampleRate: 7,
      sampleRateByTier: { vip: -1, premium: Number.NaN },
      maxQueueSize: 10,
      maxExportBatchSize: 500,
      scheduledDelayMillis: 'soon' as unknown as number,
      compression: 'brotli' as 'gzip',
      propagateTo: 'https://edge.example' as unknown as string[],
    });
    assert.equal(config.sampleRate, 1);
    assert.deepEqual({ ...config.sampleRateByTier }, { vip: 0, premium: 1 });
    assert.deepEqual(batch(config), [1000, 10, 10]);
    assert.equal(config.compression, 'gzip');
    assert.deepEqual(config.propagateTo, []);
    assert.equal(warnings.length, 7);
  });

  it('reads per-tier rates by own keys only: a tier named after an Object member gets the session rate', () => {
    const { config } = resolve({ serviceName: 'shop-web', sampleRate: 0.25, sampleRateByTier: { vip: 1 } });
    assert.equal(rateFor('vip', config), 1);
    assert.equal(rateFor('constructor', config), 0.25);
    assert.equal(rateFor('toString', config), 0.25);
  });

  it('names an unknown service the OpenTelemetry way', () => {
    assert.equal(resolve({}).config.serviceName, 'unknown_service:webjs');
    assert.equal(resolve({ serviceName: '  ' }).config.serviceName, 'unknown_service:webjs');
  });

  it('reads OTEL_RESOURCE_ATTRIBUTES percent-decoded, skipping malformed pairs', () => {
    assert.deepEqual(resolve({ OTEL_RESOURCE_ATTRIBUTES: 'a=1,broken,=x,b=%E0%A4%A,c= 3 ' }).config.resourceAttributes, { a: '1', c: '3' });
  });
});

function batch(config: { scheduledDelayMillis: number; maxQueueSize: number; maxExportBatchSize: number }) {
  return [config.scheduledDelayMillis, config.maxQueueSize, config.maxExportBatchSize];
}

function pick(config: { tracesUrl: string; relay: boolean }) {
  return [config.tracesUrl, config.relay];
}
