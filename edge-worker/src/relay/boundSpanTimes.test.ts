import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundSpanTimes } from './boundSpanTimes.js';
import type { OtlpSpan, OtlpTraceRequest } from './otlpTypes.js';

const NOW = 1_700_000_000_000;
const ms = (millis: number) => String(BigInt(millis) * 1_000_000n);

function requestOf(...times: Array<[start: number, end: number, event?: number]>): OtlpTraceRequest {
  const spans: OtlpSpan[] = times.map(([start, end, event], i) => ({
    traceId: 'a'.repeat(32),
    spanId: String(i + 1).padStart(16, '0'),
    name: `span ${i}`,
    kind: 1,
    startTimeUnixNano: ms(start),
    endTimeUnixNano: ms(end),
    attributes: [],
    events: event === undefined ? [] : [{ name: 'e', timeUnixNano: event === 0 ? '0' : ms(event), attributes: [] }],
    links: [],
  }));
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] };
}
const spansOf = (request: OtlpTraceRequest) => request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

describe('boundSpanTimes', () => {
  it('keeps spans starting inside the window, at both boundaries', () => {
    const request = requestOf([NOW - 86_400_000, NOW - 86_400_000 + 1], [NOW + 300_000, NOW + 300_000]);
    assert.equal(boundSpanTimes(request, NOW), undefined);
    assert.equal(spansOf(request).length, 2);
  });

  it('leaves out spans starting a millisecond outside it, and says why', () => {
    const request = requestOf([NOW - 86_400_001, NOW], [NOW + 300_001, NOW + 300_001], [NOW, NOW]);
    const rejected = boundSpanTimes(request, NOW);
    assert.equal(rejected?.count, 2);
    assert.match(rejected!.reason, /span "span 0": starts before the accepted time window/);
    assert.deepEqual(
      spansOf(request).map((span) => span.name),
      ['span 2'],
    );
  });

  it('clamps ends to the longest duration and to the window, and events into the span; an unset event time stays unset', () => {
    const request = requestOf([NOW - 7_200_000, NOW, NOW + 10_000], [NOW, NOW + 3_000_000, NOW - 5_000], [NOW - 1_000, NOW, 0]);
    boundSpanTimes(request, NOW);
    const [long, ahead, fine] = spansOf(request);
    assert.equal(long!.endTimeUnixNano, ms(NOW - 3_600_000));
    assert.equal(long!.events[0]!.timeUnixNano, ms(NOW - 3_600_000));
    assert.equal(ahead!.endTimeUnixNano, ms(NOW + 300_000));
    assert.equal(ahead!.events[0]!.timeUnixNano, ms(NOW));
    assert.equal(fine!.endTimeUnixNano, ms(NOW));
    assert.equal(fine!.events[0]!.timeUnixNano, '0');
  });

  it('takes other bounds and adds to an earlier count', () => {
    const request = requestOf([NOW - 61_000, NOW], [NOW - 1_000, NOW]);
    const rejected = boundSpanTimes(request, NOW, { maxAgeMillis: 60_000, maxDurationMillis: 500 }, { count: 3, reason: 'earlier' });
    assert.deepEqual(rejected, { count: 4, reason: 'earlier' });
    assert.equal(spansOf(request)[0]!.endTimeUnixNano, ms(NOW - 500));
  });
});

describe('resolveSpanTimeBounds', () => {
  it('replaces a bad bound with its default instead of failing every request', (t) => {
    const warn = t.mock.method(console, 'warn', () => {});
    const bounds = { maxAgeMillis: 1.5, maxAheadMillis: -1, maxDurationMillis: Number.NaN };
    const request = requestOf([NOW - 1_000, NOW]);
    assert.equal(boundSpanTimes(request, NOW, bounds), undefined);
    assert.equal(warn.mock.callCount(), 3);
  });
});
