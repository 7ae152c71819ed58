/**
 * One process's line of `/proc/<pid>/stat` (Linux), read for the fields the scripts use:
 * the bench's CPU time per workerd, and the start time that tells a process from a later one
 * given the same pid.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  /** The command name (what `ps` shows, at most 15 characters). */
  comm: string;
  /** R, S, D, Z (zombie), … */
  state: string;
  ppid: number;
  /** User + system CPU time, all threads, in clock ticks. */
  cpuTicks: number;
  /** When the process started, in clock ticks since boot: with the pid, it names one process. */
  startTime: string;
}

/** The process's stat, or undefined when there is no such process (or no /proc). */
export function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces; the fields after it, from state
    // (field 3) on: ppid is field 4, utime 14, stime 15, starttime 22.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      comm: stat.slice(stat.indexOf('(') + 1, close),
      state: fields[0]!,
      ppid: Number(fields[1]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
      startTime: fields[19]!,
    };
  } catch {
    return undefined;
  }
}

/**
 * The CPU time the process's live threads have had, in nanoseconds, from each thread's
 * `/proc/<pid>/task/<tid>/schedstat` (the scheduler's own account, not rounded to clock ticks:
 * at 100 ticks/s a tick is 10 ms, as much CPU as ~25 of the bench's requests). Undefined when
 * the kernel keeps no schedstat or there is no such process. Threads that have exited are not
 * counted (`cpuTicks` counts them): compare readings of long-lived processes only.
 */
export function threadCpuNanos(pid: number): number | undefined {
  try {
    let nanos: number | undefined;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        nanos = (nanos ?? 0) + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread exited between the listing and the read, or the kernel keeps no schedstat.
      }
    }
    // A kernel that keeps no account reads nothing (or zero, for a process that has surely run).
    return nanos !== undefined && Number.isFinite(nanos) && nanos > 0 ? nanos : undefined;
  } catch {
    return undefined;
  }
}
