import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace';
import { isSessionSampled, sessionSampled, sessionSampler } from './SessionSampler.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const LOW = `00000000${'a'.repeat(24)}`; // bucket 0: inside any rate > 0
const MID = `80000000${'a'.repeat(24)}`; // bucket 0.5
const HIGH = `ffffffff${'a'.repeat(24)}`; // bucket ~1: outside any rate < 1

function decide(sampler: Sampler, context = ROOT_CONTEXT) {
  return sampler.shouldSample(context, TRACE_ID, 'step', SpanKind.INTERNAL, {}, []).decision;
}

const sampler = (sessionId: string, tier: string | undefined, sampleRate: number, sampleRateByTier: Record<string, number> = {}) =>
  sessionSampler(sessionSampled(() => ({ sessionId, tier }), { sampleRate, sampleRateByTier }));

describe('isSessionSampled', () => {
  it('reads the session id as a fraction against the rate, at the boundary too', () => {
    assert.equal(isSessionSampled(MID, 0.5), false);
    assert.equal(isSessionSampled(MID, 0.5000001), true);
    assert.equal(isSessionSampled(LOW, 0.0000001), true);
    assert.equal(isSessionSampled(HIGH, 0.9999), false);
  });

  it('treats 1 as always and 0 or NaN as never', () => {
    assert.equal(isSessionSampled(HIGH, 1), true);
    assert.equal(isSessionSampled(LOW, 0), false);
    assert.equal(isSessionSampled(LOW, Number.NaN), false);
  });

  it('samples about the rate over random sessions', () => {
    const ids = Array.from({ length: 4000 }, () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(''));
    const share = ids.filter((id) => isSessionSampled(id, 0.25)).length / ids.length;
    assert.ok(share > 0.2 && share < 0.3, `share ${share}`);
  });
});

describe('sessionSampler', () => {
  it('gives every root span of a session the same decision', () => {
    const inside = sampler(LOW, 'free', 0.1);
    const outside = sampler(HIGH, 'free', 0.1);
    for (let i = 0; i < 5; i += 1) {
      assert.equal(decide(inside), SamplingDecision.RECORD_AND_SAMPLED);
      assert.equal(decide(outside), SamplingDecision.NOT_RECORD);
    }
  });

  it('lets a tier override the rate both ways', () => {
    assert.equal(decide(sampler(HIGH, 'vip', 0, { vip: 1 })), SamplingDecision.RECORD_AND_SAMPLED);
    assert.equal(decide(sampler(LOW, 'bot', 1, { bot: 0 })), SamplingDecision.NOT_RECORD);
    assert.equal(decide(sampler(HIGH, undefined, 0, { vip: 1 })), SamplingDecision.NOT_RECORD);
  });

  it('follows a sampled or unsampled parent, whatever the session says', () => {
    const parent = (flags: TraceFlags) =>
      trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: 'b7ad6b7169203331', traceFlags: flags, isRemote: true });
    assert.equal(decide(sampler(HIGH, 'free', 0), parent(TraceFlags.SAMPLED)), SamplingDecision.RECORD_AND_SAMPLED);
    assert.equal(decide(sampler(LOW, 'vip', 1), parent(TraceFlags.NONE)), SamplingDecision.NOT_RECORD);
  });

  it('ignores an invalid parent and decides as a root', () => {
    const invalid = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    assert.equal(decide(sampler(HIGH, 'free', 0), invalid), SamplingDecision.NOT_RECORD);
  });
});
