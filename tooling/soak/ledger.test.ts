import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nearestFault, tallySoak, type Arrivals, type FaultEvent, type JourneyRecord, type Shapes } from './ledger.js';

const shapes: Shapes = {
  ok: new Map([
    ['edge-worker', 2],
    ['checkout-api', 3],
  ]),
  slow: new Map([
    ['edge-worker', 2],
    ['checkout-api', 4],
  ]),
};

function arrivalsOf(traces: Record<string, { services: string[]; repeats?: number }>): Arrivals {
  return { services: (traceId) => traces[traceId]?.services ?? [], repeats: (traceId) => traces[traceId]?.repeats ?? 0 };
}

const kill: FaultEvent = { kind: 'collector-kill', target: 'collector', startedAt: 100_000, endedAt: 130_000 };

describe('soak ledger', () => {
  it('counts each 200 journey by its scenario shape, per service, and repeats apart', () => {
    const journeys: JourneyRecord[] = [
      { traceId: 'a', startedAt: 0, status: 200, scenario: 'ok' },
      { traceId: 'b', startedAt: 0, status: 200, scenario: 'slow' },
    ];
    const tally = tallySoak(
      journeys,
      shapes,
      arrivalsOf({
        a: { services: ['edge-worker', 'edge-worker', 'checkout-api', 'checkout-api', 'checkout-api'], repeats: 2 },
        b: { services: ['edge-worker', 'edge-worker', 'checkout-api', 'checkout-api', 'checkout-api', 'checkout-api'] },
      }),
      [],
    );
    assert.deepEqual(
      { emitted: tally.spansEmitted, arrived: tally.spansArrived, lost: tally.spansLost, duplicated: tally.spansDuplicated, answered200: tally.answered200 },
      { emitted: 11, arrived: 11, lost: 0, duplicated: 2, answered200: 2 },
    );
  });

  it("an extra span of one service does not hide another's loss", () => {
    const tally = tallySoak(
      [{ traceId: 'a', startedAt: 0, status: 200, scenario: 'ok' }],
      shapes,
      arrivalsOf({ a: { services: ['edge-worker', 'edge-worker', 'edge-worker', 'checkout-api'] } }),
      [],
    );
    assert.equal(tally.spansLost, 2);
    assert.deepEqual(tally.lostByFault, { none: { 'checkout-api': 2 } });
  });

  it("expects only the edge's SERVER span of a journey answered otherwise, and nothing of one not answered", () => {
    const tally = tallySoak(
      [
        { traceId: 'failed', startedAt: 95_000, status: 502, scenario: 'ok' },
        { traceId: 'refused', startedAt: 0, status: 0, scenario: 'ok' },
      ],
      shapes,
      arrivalsOf({}),
      [kill],
    );
    assert.deepEqual(
      { emitted: tally.spansEmitted, lost: tally.spansLost, other: tally.answeredOther, unanswered: tally.unanswered },
      { emitted: 1, lost: 1, other: 1, unanswered: 1 },
    );
    assert.deepEqual(tally.lostByFault, { 'collector-kill collector': { 'edge-worker': 1 } });
  });

  it('attributes a loss to the nearest fault within the window, else to none', () => {
    const slow: FaultEvent = { kind: 'slow-origin', target: 'checkout-api', startedAt: 200_000, endedAt: 230_000 };
    assert.equal(nearestFault(110_000, [kill, slow], 60_000), kill);
    assert.equal(nearestFault(170_000, [kill, slow], 60_000), slow);
    assert.equal(nearestFault(140_000, [kill, slow], 60_000), kill);
    assert.equal(nearestFault(300_000, [kill, slow], 60_000), undefined);
  });
});
