import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { headSampler } from './telemetry.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const withParent = (traceFlags: TraceFlags) =>
  trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: 'b7ad6b7169203331', traceFlags, isRemote: true });
const decide = (sampler: ReturnType<typeof headSampler>, context = ROOT_CONTEXT) =>
  sampler!.shouldSample(context, TRACE_ID, 'POST', SpanKind.SERVER, {}, []).decision;

describe('headSampler', () => {
  it("keeps the edge's decision whatever the ratio (ParentBased)", () => {
    const none = headSampler({ OTEL_TRACES_SAMPLER_ARG: '0' });
    assert.equal(decide(none, withParent(TraceFlags.SAMPLED)), SamplingDecision.RECORD_AND_SAMPLED);
    const all = headSampler({ OTEL_TRACES_SAMPLER_ARG: '1' });
    assert.equal(decide(all, withParent(TraceFlags.NONE)), SamplingDecision.NOT_RECORD);
  });

  it('samples a journey without a parent at OTEL_TRACES_SAMPLER_ARG (TraceIdRatioBased), 1 by default or when the value is bad', () => {
    assert.equal(decide(headSampler({ OTEL_TRACES_SAMPLER_ARG: '0' })), SamplingDecision.NOT_RECORD);
    assert.equal(decide(headSampler({})), SamplingDecision.RECORD_AND_SAMPLED);
    assert.equal(decide(headSampler({ OTEL_TRACES_SAMPLER_ARG: 'lots' })), SamplingDecision.RECORD_AND_SAMPLED);
    assert.match(String(headSampler({})), /ParentBased\{root=TraceIdRatioBased\{1\}/);
  });

  it('leaves the choice to NodeSDK when OTEL_TRACES_SAMPLER names a sampler', () => {
    assert.equal(headSampler({ OTEL_TRACES_SAMPLER: 'always_on' }), undefined);
  });
});
