/**
 * The soak's faults, one at a time, picked at random: the collector SIGKILLed and down for 30 s,
 * an origin service SIGKILLed and down for 10 s, the edge worker restarted (wrangler stopped and
 * started again), the origin slow for 30 s (journeys take the demo's `slow` scenario).
 */
import type { Stack } from '../stack/stack.js';
import type { FaultEvent, FaultKind } from './ledger.js';

export const FAULT_KINDS: readonly FaultKind[] = ['collector-kill', 'origin-kill', 'edge-restart', 'slow-origin'];
export const ORIGIN_SERVICES = ['checkout-api', 'inventory', 'orders-queue', 'orders-worker', 'payment'] as const;
const COLLECTOR_DOWN_MILLIS = 30_000;
const ORIGIN_DOWN_MILLIS = 10_000;
const SLOW_MILLIS = 30_000;

export interface FaultControls {
  /** Turns the slow scenario on or off for journeys started from now. */
  setSlow(slow: boolean): void;
}

/** A fault to inject, from `random` (in [0, 1)). */
export function pickFault(random: () => number): { kind: FaultKind; target: string } {
  const kind = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!;
  switch (kind) {
    case 'collector-kill':
      return { kind, target: 'collector' };
    case 'origin-kill':
      return { kind, target: ORIGIN_SERVICES[Math.floor(random() * ORIGIN_SERVICES.length)]! };
    case 'edge-restart':
      return { kind, target: 'edge-worker' };
    case 'slow-origin':
      return { kind, target: 'checkout-api' };
  }
}

/** Injects the fault and resolves once the stack is whole again, with when it began and ended. */
export async function injectFault(stack: Stack, fault: { kind: FaultKind; target: string }, controls: FaultControls): Promise<FaultEvent> {
  const startedAt = Date.now();
  switch (fault.kind) {
    case 'collector-kill':
      await stack.restart(fault.target, () => sleep(COLLECTOR_DOWN_MILLIS), 'kill');
      break;
    case 'origin-kill':
      await stack.restart(fault.target, () => sleep(ORIGIN_DOWN_MILLIS), 'kill');
      break;
    case 'edge-restart':
      await stack.restart(fault.target);
      break;
    case 'slow-origin':
      controls.setSlow(true);
      try {
        await sleep(SLOW_MILLIS);
      } finally {
        controls.setSlow(false);
      }
      break;
  }
  return { ...fault, startedAt, endedAt: Date.now() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
