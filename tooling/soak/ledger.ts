/**
 * The soak's accounting, pure: what each journey should have left at the collector, what it
 * did leave, and which fault the difference falls nearest to.
 *
 * A journey answered 200 emits its scenario's whole shape (measured on the idle stack: spans per
 * service). One the edge answered otherwise (the origin down or too slow) emits at least the
 * edge's SERVER span; how much more depends on where it failed, so only that one is counted.
 * One that got no answer (the edge restarting) promises nothing.
 */

export type FaultKind = 'collector-kill' | 'origin-kill' | 'edge-restart' | 'slow-origin';

export interface FaultEvent {
  kind: FaultKind;
  /** The service hit (`collector`, `payment`, `edge-worker`, `checkout-api`). */
  target: string;
  startedAt: number;
  endedAt: number;
}

export interface JourneyRecord {
  traceId: string;
  startedAt: number;
  /** The edge's HTTP status; 0 when the request got no answer. */
  status: number;
  scenario: 'ok' | 'slow';
}

/** Spans per service a journey answered 200 leaves, per scenario. */
export type Shapes = Record<JourneyRecord['scenario'], ReadonlyMap<string, number>>;

/** What the collector wrote for a trace. */
export interface Arrivals {
  /** The service of each distinct span of the trace. */
  services(traceId: string): readonly string[];
  /** Copies beyond the first. */
  repeats(traceId: string): number;
}

export interface SoakTally {
  journeys: number;
  answered200: number;
  answeredOther: number;
  unanswered: number;
  spansEmitted: number;
  spansArrived: number;
  spansDuplicated: number;
  spansLost: number;
  /** Lost spans by the fault nearest the journey in time (`none` beyond `attributionMillis`), then by service. */
  lostByFault: Record<string, Record<string, number>>;
}

/** The service whose SERVER span an answered journey always leaves. */
export const EDGE_SERVICE = 'edge-worker';

export function tallySoak(
  journeys: readonly JourneyRecord[],
  shapes: Shapes,
  arrivals: Arrivals,
  faults: readonly FaultEvent[],
  attributionMillis = 60_000,
): SoakTally {
  const tally: SoakTally = {
    journeys: journeys.length,
    answered200: 0,
    answeredOther: 0,
    unanswered: 0,
    spansEmitted: 0,
    spansArrived: 0,
    spansDuplicated: 0,
    spansLost: 0,
    lostByFault: {},
  };
  for (const journey of journeys) {
    const expected = expectedSpans(journey, shapes);
    if (journey.status === 200) tally.answered200 += 1;
    else if (journey.status > 0) tally.answeredOther += 1;
    else tally.unanswered += 1;
    tally.spansDuplicated += arrivals.repeats(journey.traceId);
    const got = countBy(arrivals.services(journey.traceId));
    for (const [service, count] of expected) {
      const arrived = Math.min(count, got.get(service) ?? 0);
      tally.spansEmitted += count;
      tally.spansArrived += arrived;
      if (arrived < count) {
        tally.spansLost += count - arrived;
        const fault = nearestFault(journey.startedAt, faults, attributionMillis);
        const key = fault ? `${fault.kind} ${fault.target}` : 'none';
        const byService = tally.lostByFault[key] ?? {};
        tally.lostByFault[key] = byService;
        byService[service] = (byService[service] ?? 0) + count - arrived;
      }
    }
  }
  return tally;
}

export function expectedSpans(journey: JourneyRecord, shapes: Shapes): ReadonlyMap<string, number> {
  if (journey.status === 200) return shapes[journey.scenario];
  if (journey.status > 0) return new Map([[EDGE_SERVICE, 1]]);
  return new Map();
}

/** The fault whose span of time [startedAt, endedAt] is nearest `at`, if within `withinMillis`. */
export function nearestFault(at: number, faults: readonly FaultEvent[], withinMillis: number): FaultEvent | undefined {
  let best: FaultEvent | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const fault of faults) {
    const distance = at < fault.startedAt ? fault.startedAt - at : at > fault.endedAt ? at - fault.endedAt : 0;
    if (distance <= withinMillis && distance < bestDistance) [best, bestDistance] = [fault, distance];
  }
  return best;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
