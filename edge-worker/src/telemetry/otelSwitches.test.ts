import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { otlpExporterSelected, sdkDisabled } from './otelSwitches.js';
import { tracingFromEnv } from './tracingFromEnv.js';
import { DISABLED_TRACING } from './disabledTracing.js';

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
});
