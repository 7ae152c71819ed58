import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diag, DiagLogLevel, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createSampler, samplerFromEnv, type SamplerConfig } from './sampler.js';
import { EdgeTracer } from './EdgeTracer.js';

const SAMPLED_PARENT = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED, isRemote: true };
const UNSAMPLED_PARENT = { ...SAMPLED_PARENT, traceFlags: TraceFlags.NONE };

/** A trace id whose random part (last 7 bytes) is `fraction` of its range. */
function traceIdAt(fraction: number): string {
  const random = Math.min(Math.floor(fraction * 2 ** 56), 2 ** 56 - 1);
  return `0123456789abcdef01${random.toString(16).padStart(14, '0')}`;
}

function tracerWith(sampler: SamplerConfig) {
  const exporter = new InMemorySpanExporter();
  const tracer = new EdgeTracer(
    {
      resource: resourceFromAttributes({ 'service.name': 'sampler-test' }),
      instrumentationScope: { name: 's' },
      processors: [new SimpleSpanProcessor({ exporter: exporter })],
    },
    createSampler(sampler),
  );
  return { tracer, exporter };
}

function warnings(run: () => void): string[] {
  const seen: string[] = [];
  diag.setLogger({ error() {}, warn: (message) => seen.push(message), info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  try {
    run();
  } finally {
    diag.disable();
  }
  return seen;
}

describe('OTEL_TRACES_SAMPLER at the edge', () => {
  it('reads the OpenTelemetry sampler names and the ratio argument', () => {
    assert.deepEqual(samplerFromEnv(undefined, undefined), { name: 'parentbased_always_on' });
    assert.deepEqual(samplerFromEnv(' ParentBased_TraceIdRatio ', '0.25'), { name: 'parentbased_traceidratio', ratio: 0.25 });
    assert.deepEqual(samplerFromEnv('traceidratio', undefined), { name: 'traceidratio', ratio: 1 });
    assert.deepEqual(samplerFromEnv('always_off', '0.5'), { name: 'always_off' }, 'the argument belongs to the ratio samplers only');
  });

  it('warns about an unknown sampler or a bad ratio and falls back, never throws', () => {
    let config: SamplerConfig | undefined;
    assert.match(warnings(() => (config = samplerFromEnv('jaeger_remote', undefined))).join(), /jaeger_remote is not supported/);
    assert.deepEqual(config, { name: 'parentbased_always_on' });
    for (const arg of ['1.5', '-0.1', 'half', 'NaN']) {
      assert.match(warnings(() => (config = samplerFromEnv('parentbased_traceidratio', arg))).join(), /not a ratio/, arg);
      assert.deepEqual(config, { name: 'parentbased_traceidratio', ratio: 1 }, arg);
    }
  });

  it('a ratio records the traces whose random part reaches (1 - ratio) of its range', () => {
    const quarter = createSampler({ name: 'traceidratio', ratio: 0.25 });
    assert.equal(quarter.sample(traceIdAt(0.74)), false);
    assert.equal(quarter.sample(traceIdAt(0.76)), true);
    assert.equal(quarter.sample(traceIdAt(0.9999)), true);
    // Over random ids, about a quarter.
    const { tracer } = tracerWith({ name: 'traceidratio', ratio: 0.25 });
    let recorded = 0;
    for (let i = 0; i < 4000; i += 1) if (tracer.startSpan('root').isRecording()) recorded += 1;
    assert.ok(recorded > 800 && recorded < 1200, `${recorded} of 4000`);
    assert.equal(createSampler({ name: 'traceidratio', ratio: 0 }).sample(traceIdAt(0.9999)), false);
    assert.equal(createSampler({ name: 'traceidratio', ratio: 1 }).sample(traceIdAt(0)), true);
  });

  it('parent-based samplers follow a valid parent; the others decide by the trace id alone', () => {
    const sampledCtx = trace.setSpanContext(ROOT_CONTEXT, SAMPLED_PARENT);
    const unsampledCtx = trace.setSpanContext(ROOT_CONTEXT, UNSAMPLED_PARENT);
    const cases: Array<[SamplerConfig, boolean, boolean]> = [
      [{ name: 'parentbased_always_on' }, true, false],
      [{ name: 'parentbased_always_off' }, true, false],
      [{ name: 'parentbased_traceidratio', ratio: 0 }, true, false],
      [{ name: 'always_on' }, true, true],
      [{ name: 'always_off' }, false, false],
      [{ name: 'traceidratio', ratio: 0 }, false, false],
      [{ name: 'traceidratio', ratio: 1 }, true, true],
    ];
    for (const [config, underSampled, underUnsampled] of cases) {
      const { tracer } = tracerWith(config);
      assert.equal(tracer.startSpan('child', {}, sampledCtx).isRecording(), underSampled, `${config.name} under a sampled parent`);
      assert.equal(tracer.startSpan('child', {}, unsampledCtx).isRecording(), underUnsampled, `${config.name} under an unsampled parent`);
    }
  });

  it('an unrecorded span still carries the trace on, unsampled, and reaches no processor', async () => {
    const { tracer, exporter } = tracerWith({ name: 'parentbased_always_off' });
    const root = tracer.startSpan('root');
    assert.equal(root.isRecording(), false);
    assert.match(root.spanContext().traceId, /^[0-9a-f]{32}$/);
    assert.notEqual(root.spanContext().traceId, '0'.repeat(32));
    assert.equal(root.spanContext().traceFlags, TraceFlags.NONE);
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
    assert.equal(child.spanContext().traceId, root.spanContext().traceId, 'children stay in the trace');
    root.end();
    child.end();
    assert.equal(exporter.getFinishedSpans().length, 0);
  });
});
