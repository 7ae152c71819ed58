import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { otlpExporterSelected, sdkDisabled } from './otelSwitches.js';
import { tracingFromEnv } from './tracingFromEnv.js';
import { DISABLED_TRACING } from '../tracing/disabledTracing.js';

describe('OpenTelemetry switches from bindings', () => {
  it('OTEL_SDK_DISABLED is true only for "true" in any case', () => {
    for (const value of ['true', 'TRUE', ' True ']) assert.equal(sdkDisabled({ OTEL_SDK_DISABLED: value }), true, value);
    for (const value of [undefined, '', 'false', '1', 'yes', 'truee']) assert.equal(sdkDisabled({ OTEL_SDK_DISABLED: value }), false, String(value));
  });

  it('an exporter list keeps OTLP unless it says none; unknown exporters fall back to OTLP', () => {
    for (const value of [undefined, '', 'otlp', 'OTLP', 'otlp,console', ' none , otlp ', 'console', 'prometheus']) {
      assert.equal(otlpExporterSelected(value, 'OTEL_METRICS_EXPORTER'), true, String(value));
    }
    for (const value of ['none', ' NONE ', 'none,none']) assert.equal(otlpExporterSelected(value, 'OTEL_METRICS_EXPORTER'), false, value);
  });

  it('tracingFromEnv records no metrics with OTEL_METRICS_EXPORTER=none, and nothing at all when the SDK is disabled', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.switches.test' };
    assert.ok(tracingFromEnv({ ...endpoint }).metrics, 'metrics by default');
    assert.equal(tracingFromEnv({ ...endpoint, OTEL_METRICS_EXPORTER: 'none' }).metrics, undefined);
    const disabled = tracingFromEnv({ ...endpoint, OTEL_SDK_DISABLED: 'true' });
    assert.equal(disabled, DISABLED_TRACING);
    const span = disabled.tracer.startSpan('x');
    assert.equal(span.isRecording(), false);
    span.setAttribute('a', 1).end(); // callable, records nothing
    assert.equal(disabled.requestEnded(), undefined);
  });

  it('tracingFromEnv sends no spans with OTEL_TRACES_EXPORTER=none, yet still makes them and keeps metrics', async () => {
    const realFetch = globalThis.fetch;
    const sent: string[] = [];
    globalThis.fetch = async (input) => {
      sent.push(String(input));
      return new Response(null, { status: 200 });
    };
    try {
      for (const [value, expected] of [
        ['none', []],
        [undefined, ['http://collector.traces-switch.test/v1/traces']],
      ] as const) {
        const tracing = tracingFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.traces-switch.test', OTEL_TRACES_EXPORTER: value });
        const span = tracing.tracer.startSpan('kept here');
        assert.equal(span.isRecording(), true);
        span.end();
        await tracing.forceFlush();
        assert.ok(tracing.metrics, 'metrics stay on');
        assert.deepEqual(
          sent.filter((url) => url.endsWith('/v1/traces')),
          expected,
          String(value),
        );
      }
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('tracingFromEnv reads a bindings object once (callers ask per request and per queue batch)', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.once.test', OTEL_SERVICE_NAME: 'first' };
    const first = tracingFromEnv(env);
    env.OTEL_SERVICE_NAME = 'second'; // a Worker's bindings never change; a changed object is not read again
    assert.equal(tracingFromEnv(env), first);
    assert.notEqual(tracingFromEnv(env, 'edge-worker', { promotedBaggageKeys: [] }), first, 'other overrides, another tracing');
    assert.notEqual(tracingFromEnv({ ...env }), first, 'another bindings object is read');
  });
});
