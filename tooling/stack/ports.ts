import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that is free now, for a service this process is about to start.
 *
 * Chosen below the kernel's ephemeral range: a port the kernel handed out from that range (as
 * `listen(0)` does) can be taken again as the local port of any outgoing connection before the
 * service binds it, and the service then fails with EADDRINUSE. Below the range only another
 * listener can take it, and a port given out is reserved for a while (a file in the temp
 * directory) so that no other process of the machine's test runs picks it before it is bound.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralPortRange();
  if (!pruned) {
    pruned = true;
    pruneReservations();
  }
  if (low - FIRST_PORT >= 1000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = FIRST_PORT + Math.floor(Math.random() * (low - FIRST_PORT));
      if ((await portFree(port)) && reserve(port)) return port;
    }
  }
  return kernelPort();
}

const FIRST_PORT = 10_000;
const RESERVATIONS_DIR = join(tmpdir(), 'journeytrace-ports');
/** Longer than any service takes to bind the port it was given. */
const RESERVATION_MILLIS = 10 * 60_000;

let pruned = false;

/** Deletes reservations older than `RESERVATION_MILLIS` (once per process): they protect nothing, and would pile up in the temp directory. */
export function pruneReservations(now = Date.now(), dir = RESERVATIONS_DIR): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // None made yet.
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs >= RESERVATION_MILLIS) {
        unlinkSync(path);
        removed += 1;
      }
    } catch {
      // Taken or removed by another process meanwhile.
    }
  }
  return removed;
}

/** Reserves `port` across processes; false when another process reserved it recently. */
function reserve(port: number): boolean {
  const path = join(RESERVATIONS_DIR, String(port));
  try {
    mkdirSync(RESERVATIONS_DIR, { recursive: true });
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true; // Cannot reserve: the bind check has to do.
  }
  try {
    if (Date.now() - statSync(path).mtimeMs < RESERVATION_MILLIS) return false;
    writeFileSync(path, String(process.pid)); // An old reservation: the port is long bound or let go.
    return true;
  } catch {
    return false;
  }
}

/** The kernel's ephemeral port range (Linux), or the IANA one elsewhere. */
export function ephemeralPortRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return [low!, high!];
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return [49152, 65535];
}

/** A port the kernel picks (from the ephemeral range): the fallback when none below it is free. */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether a port on 127.0.0.1 can be listened on now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether something accepts TCP connections at host:port (within a second). */
export function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port from the environment variable `name`, or `fallback`; a bad value is an error, not a guess. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port.`);
  return port;
}
