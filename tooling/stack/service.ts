import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { acceptsConnections } from './ports.js';
import { recordService } from './serviceRegistry.js';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every line of output is written here. */
  logFile: string;
  /** Also print output lines, prefixed with the service name. */
  echo?: boolean;
  /** Polled until it answers 2xx (`http://…`), or accepts a connection (`tcp://host:port`). */
  readyUrl: string;
  readyTimeoutMillis?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 5000. */
  stopTimeoutMillis?: number;
}

export interface RunningService {
  readonly name: string;
  readonly logFile: string;
  /** The leader of the service's process group (children, such as workerd under wrangler, share the group). */
  readonly pid: number | undefined;
  /** Stops the service and everything it started (its process group). */
  stop(): Promise<void>;
  /**
   * Ends the service and its process group at once with SIGKILL, as a crash or the OOM killer
   * would: it runs no shutdown, flushes nothing. Resolves once it has exited.
   */
  kill(): Promise<void>;
}

/** Starts a service in its own process group and resolves once it is ready. */
export async function startService(spec: ServiceSpec): Promise<RunningService> {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let recent = '';
  const onOutput = (chunk: Buffer) => {
    // A grandchild can hold the pipes past stop(); what it writes then is not the log's.
    if (!log.writableEnded) log.write(chunk);
    const text = chunk.toString();
    recent = (recent + text).slice(-4000);
    if (spec.echo) {
      for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`[${spec.name}] ${line}\n`);
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // 'close' comes after 'exit', once the pipes are drained: the last output is in the log then.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const pid = child.pid;
  if (pid) trackGroup(spec.name, pid, exited);
  const service: RunningService = {
    name: spec.name,
    logFile: spec.logFile,
    pid,
    stop: () => stopGroup(child, exited, closed, log, spec.stopTimeoutMillis ?? 5000),
    kill: () => stopGroup(child, exited, closed, log, 0),
  };

  const timeout = spec.readyTimeoutMillis ?? 30_000;
  const deadline = Date.now() + timeout;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`${spec.name} exited (code ${exitCode}) before it was ready. Its last output:\n${recent.trim()}`);
    }
    if (await answers(spec.readyUrl)) return service;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await service.stop();
  throw new Error(`${spec.name} was not ready at ${spec.readyUrl} within ${timeout} ms. Its last output:\n${recent.trim()}`);
}

async function answers(url: string): Promise<boolean> {
  if (url.startsWith('tcp://')) {
    const { hostname, port } = new URL(url);
    return acceptsConnections(hostname, Number(port));
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function stopGroup(
  child: ChildProcess,
  exited: Promise<unknown>,
  closed: Promise<void>,
  log: NodeJS.WritableStream,
  timeoutMillis: number,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid) {
    let stopped = false;
    // No grace at all is a hard kill: no SIGTERM first, which a service could act on.
    if (timeoutMillis > 0) {
      signalGroup(child.pid, 'SIGTERM');
      stopped = await Promise.race([exited.then(() => true), sleep(timeoutMillis).then(() => false)]);
    }
    if (!stopped) {
      signalGroup(child.pid, 'SIGKILL');
      await exited;
    }
  }
  // What outlives the leader in its group (workerd under wrangler) is ended when it exits: trackGroup.
  // Output still in the pipes arrives after the exit: writing it after end() was an uncaught
  // ERR_STREAM_WRITE_AFTER_END (seen in CI). End the log once they are drained, or after 2 s.
  await Promise.race([closed, sleep(2000)]);
  log.end();
}

/**
 * Process groups of the services this process started that have not exited. A service runs in
 * its own group (so stop() reaches workerd under wrangler), which also keeps Ctrl-C in the
 * terminal from reaching it: when this process is interrupted or exits without stopping its
 * services (a test run cut short), they are ended here instead of left running.
 */
const runningGroups = new Set<number>();

function trackGroup(name: string, pid: number, exited: Promise<unknown>): void {
  if (!endOnExitInstalled) installEndOnExit();
  runningGroups.add(pid);
  // For the one ending no hook sees (SIGKILL): a later run ends it (`endOrphanedServices`).
  const forget = recordService(name, pid);
  void exited.then(() => {
    runningGroups.delete(pid);
    // What the leader leaves in its group (workerd under a wrangler that crashed) ends with it:
    // nothing is left running once the group is no longer tracked or recorded.
    signalGroup(pid, 'SIGKILL');
    forget();
  });
}

let endOnExitInstalled = false;

function installEndOnExit(): void {
  endOnExitInstalled = true;
  process.once('exit', () => {
    for (const pid of runningGroups) signalGroup(pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const pid of runningGroups) signalGroup(pid, 'SIGTERM');
      // With no other listener, this process ends as the signal's default would have ended it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A wait that does not keep the process alive (it only bounds other waits). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
