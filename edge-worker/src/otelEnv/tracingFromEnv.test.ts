import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { trace } from '../middleware/trace/index.js';
import { tracingFromEnv, type TracingBindings } from './tracingFromEnv.js';

/** Bindings that count how often each one is read; nothing is sent anywhere (`none` exporters). */
function countingBindings(serviceName: string) {
  const reads = new Map<string, number>();
  const bindings: TracingBindings = {
    OTEL_SERVICE_NAME: serviceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.resolution.test',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
  };
  const env = new Proxy(bindings, {
    get(target, key, receiver) {
      if (typeof key === 'string') reads.set(key, (reads.get(key) ?? 0) + 1);
      return Reflect.get(target, key, receiver);
    },
  });
  return { env, reads };
}

describe('options resolution: once per bindings object', () => {
  it('the middleware and the other handlers build one tracing from a bindings object, read once however often they ask', async () => {
    const { env, reads } = countingBindings('edge-once');
    const app = new Hono();
    app.use(trace());
    app.get('/ping', (c) => c.text('pong'));

    for (let i = 0; i < 5; i++) assert.equal((await app.request('/ping', {}, env)).status, 200);
    const shared = tracingFromEnv(env);
    for (let i = 0; i < 5; i++) assert.equal(tracingFromEnv(env), shared, 'a queue batch asks again: the same tracing');
    for (let i = 0; i < 5; i++) await app.request('/ping', {}, env);

    // Each setting that makes the exporter is read by the one resolution, and never again: a
    // second tracing (or a cache keyed by the configuration's value) would read them twice.
    for (const name of ['OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER']) {
      assert.equal(reads.get(name), 1, `${name} read ${reads.get(name)} times`);
    }
  });

  it('calls an options function once per bindings object, not per request', async () => {
    const { env } = countingBindings('edge-options');
    let calls = 0;
    const app = new Hono();
    app.use(
      trace(() => {
        calls += 1;
        return { serviceName: 'edge-options' };
      }),
    );
    app.get('/ping', (c) => c.text('pong'));
    for (let i = 0; i < 10; i++) await app.request('/ping', {}, env);
    assert.equal(calls, 1);
  });

  it('keeps nothing by value: equal bindings in another object get their own tracing, and overrides theirs', () => {
    const first = countingBindings('edge-values');
    const second = countingBindings('edge-values');
    const tracing = tracingFromEnv(first.env);
    assert.notEqual(tracingFromEnv(second.env), tracing);
    assert.notEqual(tracingFromEnv(first.env, 'edge-worker', { serviceName: 'other' }), tracing);
    assert.equal(tracingFromEnv(first.env, 'edge-worker', { serviceName: 'other' }), tracingFromEnv(first.env, 'edge-worker', { serviceName: 'other' }));
    assert.notEqual(
      tracingFromEnv(first.env, 'edge-worker', { promotedBaggageKeys: ['a', 'b'] }),
      tracingFromEnv(first.env, 'edge-worker', { promotedBaggageKeys: ['a,b'] }),
      'keys are told apart, not joined into one',
    );
    // The default service name and an override of the same name are different settings: the
    // first yields to OTEL_SERVICE_NAME, the second does not.
    assert.notEqual(tracingFromEnv(first.env, 'edge-worker'), tracingFromEnv(first.env, 'edge-worker', { serviceName: 'edge-worker' }));
  });
});
