import { freePort } from './ports.js';
// Apart from ports.ts: the services the stack starts wait on ports.ts, so the stack's port list
// cannot live there without an import cycle.
import type { StackPorts } from './stack.js';

/** A free port for every part of a stack, so stacks (tests, a demo) run side by side. */
export async function freeStackPorts(): Promise<StackPorts> {
  const names = [
    'app',
    'edge',
    'edgeInspector',
    'origin',
    'inventory',
    'kafka',
    'payment',
    'ordersWorker',
    'kafkaController',
    'collectorHttp',
    'collectorGrpc',
    'collectorHealth',
  ] as const;
  const ports = {} as Record<(typeof names)[number], number>;
  for (const name of names) ports[name] = await freePort();
  return ports satisfies StackPorts;
}
