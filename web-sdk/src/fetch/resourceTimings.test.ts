import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { resourceTimings, type ObserveResources } from './resourceTimings.js';

const URL_A = 'https://edge.example/a';

/** A resource-timing entry with the phases addSpanNetworkEvents reads. */
function timing(name: string, startTime: number, initiatorType = 'fetch'): PerformanceResourceTiming {
  const phase = (offset: number) => startTime + offset;
  return {
    name,
    initiatorType,
    startTime,
    fetchStart: startTime,
    domainLookupStart: phase(1),
    domainLookupEnd: phase(2),
    connectStart: phase(2),
    secureConnectionStart: 0,
    connectEnd: phase(3),
    requestStart: phase(3),
    responseStart: phase(5),
    responseEnd: phase(6),
  } as PerformanceResourceTiming;
}

function setup(waitMillis = 1000) {
  const exporter = new InMemorySpanExporter();
  const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer('t');
  let deliver: (timings: readonly PerformanceResourceTiming[]) => void = () => undefined;
  let disconnected = false;
  const observe: ObserveResources = (take) => {
    deliver = take;
    return () => {
      disconnected = true;
    };
  };
  const timings = resourceTimings(waitMillis, observe);
  return { exporter, tracer, timings, deliver: (...entries: PerformanceResourceTiming[]) => deliver(entries), disconnected: () => disconnected };
}

describe('resourceTimings', () => {
  it('ends a span at once with the network phases of an entry that came first', () => {
    const { exporter, tracer, timings, deliver } = setup();
    deliver(timing(URL_A, 100));
    timings.end(tracer.startSpan('GET'), URL_A, 100, 120);
    const [span] = exporter.getFinishedSpans();
    assert.ok(span!.events.some((event) => event.name === 'responseEnd'));
  });

  it('holds a span whose entry comes later, keeping its end time, and ends it when the entry arrives', () => {
    const { exporter, tracer, timings, deliver } = setup();
    const span = tracer.startSpan('GET', { startTime: 100 });
    timings.end(span, URL_A, 100, 120);
    assert.equal(exporter.getFinishedSpans().length, 0);
    deliver(timing('https://edge.example/other', 100), timing(URL_A, 100, 'img'));
    assert.equal(exporter.getFinishedSpans().length, 0, 'neither another URL nor another initiator matches');
    deliver(timing(URL_A, 100.5));
    const [ended] = exporter.getFinishedSpans();
    assert.ok(ended!.events.some((event) => event.name === 'fetchStart'));
    assert.deepEqual(ended!.endTime, (span as unknown as { _getTime(time: number): unknown })._getTime(120));
  });

  it('matches the entry that started within the span, not an earlier fetch of the same URL', () => {
    const { exporter, tracer, timings, deliver } = setup();
    deliver(timing(URL_A, 50));
    timings.end(tracer.startSpan('GET'), URL_A, 100, 120);
    assert.equal(exporter.getFinishedSpans().length, 0);
    deliver(timing(URL_A, 100));
    assert.equal(exporter.getFinishedSpans().length, 1);
  });

  it('ends a span without events once the wait is over, and every waiting one on flush', async () => {
    const { exporter, tracer, timings } = setup(20);
    timings.end(tracer.startSpan('GET'), URL_A, 100, 120);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(exporter.getFinishedSpans().length, 1);
    assert.equal(exporter.getFinishedSpans()[0]!.events.length, 0);
    timings.end(tracer.startSpan('GET'), URL_A, 200, 220);
    timings.flush();
    assert.equal(exporter.getFinishedSpans().length, 2);
  });

  it('keeps only the newest unclaimed entries', () => {
    const { exporter, tracer, timings, deliver } = setup();
    for (let i = 0; i < 100; i += 1) deliver(timing(`https://edge.example/${i}`, i));
    timings.end(tracer.startSpan('GET'), 'https://edge.example/0', 0, 10);
    timings.end(tracer.startSpan('GET'), 'https://edge.example/99', 99, 110);
    assert.equal(exporter.getFinishedSpans().length, 1, 'the oldest entry is gone; the newest still matches');
    timings.flush();
  });

  it('stops observing on stop, ending what waits', () => {
    const { exporter, tracer, timings, disconnected } = setup();
    timings.end(tracer.startSpan('GET'), URL_A, 100, 120);
    timings.stop();
    assert.equal(disconnected(), true);
    assert.equal(exporter.getFinishedSpans().length, 1);
  });
});
