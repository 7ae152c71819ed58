/**
 * A record of the services this machine's runs started and that are still running, so a later
 * run can end those whose owner died without ending them (killed with SIGKILL, as a hung
 * Playwright worker is: no exit hook runs then). Each service and its owner are identified by
 * pid and start time, so a pid the kernel has since handed to another process is never signalled.
 * Linux only (start times from /proc); elsewhere nothing is recorded.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { progress } from '../lib/log.js';
import { DATA_DIR } from '../lib/paths.js';
import { procStat } from '../lib/procStat.js';

/** Where the records live (one file per running service); `JOURNEYTRACE_SERVICES_DIR` overrides it. */
export function registryDir(): string {
  return process.env.JOURNEYTRACE_SERVICES_DIR || join(DATA_DIR, 'services');
}

interface ServiceRecord {
  name: string;
  pid: number;
  started: string;
  owner: number;
  ownerStarted: string;
}

/** Records a service this process just started; returns what forgets it once it has exited. */
export function recordService(name: string, pid: number): () => void {
  const started = startTimeOf(pid);
  const ownerStarted = startTimeOf(process.pid);
  if (started === undefined || ownerStarted === undefined) return () => {};
  const dir = registryDir();
  const file = join(dir, `${pid}.json`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify({ name, pid, started, owner: process.pid, ownerStarted } satisfies ServiceRecord));
  } catch {
    return () => {}; // Not recorded: only the cleanup of a later run misses it.
  }
  return () => rmSync(file, { force: true });
}

/**
 * Ends the recorded services whose owner is gone (their whole process group) and forgets them;
 * services of owners still running are left alone. Returns the names of those ended.
 */
export function endOrphanedServices(): string[] {
  const dir = registryDir();
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const ended: string[] = [];
  for (const file of files) {
    let record: ServiceRecord;
    try {
      record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ServiceRecord;
    } catch {
      rmSync(join(dir, file), { force: true });
      continue;
    }
    if (startTimeOf(record.owner) === record.ownerStarted) continue;
    if (startTimeOf(record.pid) === record.started) {
      try {
        process.kill(-record.pid, 'SIGKILL');
        ended.push(record.name);
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(join(dir, file), { force: true });
  }
  return ended;
}

/** For the start of a run (`npm test`, `npm run demo`): ends what earlier runs left behind, and says so. */
export function endServicesOfEarlierRuns(): void {
  const ended = endOrphanedServices();
  if (ended.length > 0) progress(`ended ${ended.length} services an earlier run left running (${[...new Set(ended)].join(', ')})`);
}

/** A running process's start time (ticks since boot), or undefined when it is gone or a zombie. */
export function startTimeOf(pid: number): string | undefined {
  const stat = procStat(pid);
  return stat && stat.state !== 'Z' ? stat.startTime : undefined;
}
