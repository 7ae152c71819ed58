/**
 * Resident memory of each of the stack's services over a soak (each service's whole process
 * group: wrangler with its workerd, a Node service with its children), plus the soak's own.
 */
import type { RunningService } from '../stack/service.js';
import { groupRssMiB } from '../load/processMemory.js';

export interface MemorySample {
  /** Seconds since the soak began. */
  atSeconds: number;
  /** RSS in MiB by service name (`soak` is this process). */
  rssMiB: Record<string, number>;
}

export function sampleMemory(services: readonly RunningService[], startedAt: number): MemorySample {
  const rssMiB: Record<string, number> = {};
  for (const service of services) if (service.pid) rssMiB[service.name] = round(groupRssMiB(service.pid));
  rssMiB.soak = round(process.memoryUsage().rss / 1048576);
  return { atSeconds: Math.round((Date.now() - startedAt) / 1000), rssMiB };
}

export interface MemorySummary {
  first: number;
  last: number;
  max: number;
}

/** Per process: the first sample, the last and the most seen (MiB). */
export function summarizeMemory(samples: readonly MemorySample[]): Record<string, MemorySummary> {
  const summary: Record<string, MemorySummary> = {};
  for (const sample of samples) {
    for (const [name, value] of Object.entries(sample.rssMiB)) {
      // 0: the service was down (a fault) when sampled.
      if (value === 0) continue;
      const entry = summary[name] ?? { first: value, last: value, max: value };
      summary[name] = entry;
      entry.last = value;
      entry.max = Math.max(entry.max, value);
    }
  }
  return summary;
}

const round = (value: number) => Math.round(value * 10) / 10;
