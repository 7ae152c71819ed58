import { connect, createServer } from 'node:net';
import type { StackPorts } from './stack.js';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
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

/** A free port for every part of a stack, so stacks (tests, a demo) run side by side. */
export async function freeStackPorts(): Promise<StackPorts> {
  const names = ['app', 'edge', 'edgeInspector', 'origin', 'inventory', 'ordersQueue', 'payment', 'ordersWorker', 'collectorHttp', 'collectorGrpc', 'collectorHealth'] as const;
  const ports = {} as Record<(typeof names)[number], number>;
  for (const name of names) ports[name] = await freePort();
  return ports satisfies StackPorts;
}
