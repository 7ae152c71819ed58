/**
 * The worker isolate's JS heap after a full garbage collection, read through workerd's own
 * inspector (Chrome DevTools protocol). Resident memory says little about a leak under wrangler
 * dev: V8 lets a busy isolate's heap fill with garbage up to tens of MiB before collecting, and
 * miniflare's own isolates share the process. The heap left after a collection is what the
 * worker keeps.
 *
 * Not wrangler's inspector proxy: a second client there stalls the worker. workerd's inspector
 * listens on a loopback port chosen at start, found among the process's listening sockets.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import WebSocket from 'ws';

/** Loopback ports the process listens on (TCP, IPv4), from /proc. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // Closed between the listing and the read.
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; the inode is the tenth field.
    if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9]!)) continue;
    ports.push(parseInt(fields[1]!.split(':')[1]!, 16));
  }
  return ports;
}

/** The DevTools websocket of the isolate running the worker (`core:user:<name>`), or undefined. */
export async function findWorkerInspector(pid: number, workerName: string): Promise<string | undefined> {
  for (const port of listeningPorts(pid)) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(1_500) });
      const targets = (await response.json()) as unknown;
      if (!Array.isArray(targets)) continue;
      const target = targets.find((entry: { id?: string }) => entry.id === `core:user:${workerName}`) as { webSocketDebuggerUrl?: string } | undefined;
      if (target?.webSocketDebuggerUrl) return target.webSocketDebuggerUrl;
    } catch {
      // Not the inspector (the worker's entry socket or the debug port): try the next one.
    }
  }
  return undefined;
}

/**
 * Collects garbage in the isolate and returns the heap still used, in MiB. The isolate answers
 * only while it runs, so `nudge` (e.g. a request to the worker) is called until it has. A first
 * session may get no answer at all; a new one is opened then.
 */
export async function heapAfterGcMiB(debuggerUrl: string, nudge: () => Promise<unknown>, attempts = 4): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await heapAfterGcOnce(debuggerUrl, nudge, 10_000);
    } catch (error) {
      if (attempt >= attempts) throw new Error(`${(error as Error).message} in ${attempts} sessions`);
    }
  }
}

async function heapAfterGcOnce(debuggerUrl: string, nudge: () => Promise<unknown>, timeoutMillis: number): Promise<number> {
  const socket = new WebSocket(debuggerUrl);
  const waiting = new Map<number, (result: unknown) => void>();
  let nextId = 0;
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string) =>
    new Promise<unknown>((resolve) => {
      nextId += 1;
      waiting.set(nextId, resolve);
      socket.send(JSON.stringify({ id: nextId, method }));
    });
  let answered = false;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const usage = (async () => {
      await call('HeapProfiler.collectGarbage');
      return (await call('Runtime.getHeapUsage')) as { usedSize: number };
    })();
    const deadline = Date.now() + timeoutMillis;
    void usage.finally(() => (answered = true));
    while (!answered) {
      if (Date.now() > deadline) throw new Error(`the worker's inspector did not answer within ${timeoutMillis} ms`);
      await Promise.race([nudge().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 250))]);
    }
    return (await usage).usedSize / (1024 * 1024);
  } finally {
    socket.close();
  }
}
