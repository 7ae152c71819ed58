/** Resident memory of a service's processes, read from /proc (Linux), for memory-flatness checks. */
import { readdirSync, readFileSync } from 'node:fs';

/** Pids in process group `pgid` whose command name is `comm` (e.g. `workerd` under wrangler's node); every one without `comm`. */
export function processesInGroup(pgid: number, comm?: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.pgid === pgid && (comm === undefined || stat.comm === comm)) pids.push(Number(entry));
  }
  return pids;
}

/** Resident memory of a whole process group (a service and what it started, e.g. wrangler and its workerd), in MiB. */
export function groupRssMiB(pgid: number): number {
  return processesInGroup(pgid).reduce((sum, pid) => sum + (rssMiB(pid) ?? 0), 0);
}

/** Resident set size in MiB (`VmRSS` of /proc/<pid>/status), or `undefined` once the process is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/** `comm` and process group from /proc/<pid>/stat (the name is in parentheses and may hold spaces). */
function readStat(pid: number): { comm: string; pgid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    // After "(comm)": state, ppid, pgrp.
    return { comm: stat.slice(stat.indexOf('(') + 1, close), pgid: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** The command line of a process (arguments joined by spaces), or `''` once it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}
