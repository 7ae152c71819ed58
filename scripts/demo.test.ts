/**
 * `npm run demo` as the contract describes it: it starts the whole stack on the ports the
 * environment names, and Ctrl-C (SIGINT to the terminal's foreground process group) stops every
 * service it started, also when pressed again while it stops.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { acceptsConnections, freePort, portFree } from '@journeytrace/tooling/stack/ports.js';

const listening = (port: number) => acceptsConnections('127.0.0.1', port);

/** Kills the process groups of whatever listens on a port (each service is a group of its own). */
function killListenerGroups(port: number): void {
  const pids =
    spawnSync('fuser', ['-n', 'tcp', String(port)], { encoding: 'utf8' })
      .stdout?.trim()
      .split(/\s+/)
      .filter(Boolean) ?? [];
  for (const pid of pids) {
    try {
      // Field 5 of /proc/<pid>/stat is the process group (after the parenthesized command name).
      const pgid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2]);
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone already, or not ours to kill.
    }
  }
}

/** A base port with the five after it free too (the origin services and the Kafka broker take ORIGIN_PORT..+5). */
async function freeBlockOfSix(): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base > 65530) continue;
    const rest = await Promise.all([1, 2, 3, 4, 5].map((offset) => portFree(base + offset)));
    if (rest.every(Boolean)) return base;
  }
}

describe('npm run demo', () => {
  it('starts the stack on the ports given, and Ctrl-C stops every service it started', { timeout: 300_000 }, async () => {
    const origin = await freeBlockOfSix();
    const env = {
      DEMO_APP_PORT: await freePort(),
      EDGE_PORT: await freePort(),
      EDGE_INSPECTOR_PORT: await freePort(),
      ORIGIN_PORT: origin,
      COLLECTOR_HTTP_PORT: await freePort(),
      COLLECTOR_GRPC_PORT: await freePort(),
      COLLECTOR_HEALTH_PORT: await freePort(),
    };
    const ports = [...Object.values(env), origin + 1, origin + 2, origin + 3, origin + 4, origin + 5];
    // Its own process group, as a terminal gives a foreground job.
    const demo = spawn('npm', ['run', 'demo'], {
      cwd: ROOT,
      env: { ...process.env, ...Object.fromEntries(Object.entries(env).map(([name, port]) => [name, String(port)])) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string>((resolve) => demo.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
    try {
      // It may install and build first.
      const started = Date.now();
      while (!output.includes('Ctrl-C stops everything') && Date.now() - started < 240_000 && demo.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.match(output, /Ctrl-C stops everything/, `the demo did not start:\n${output.slice(-3000)}`);
      assert.match(output, new RegExp(`demo app +http://127\\.0\\.0\\.1:${env.DEMO_APP_PORT}`));
      assert.match(output, new RegExp(`edge worker +http://127\\.0\\.0\\.1:${env.EDGE_PORT}`));
      for (const port of [env.DEMO_APP_PORT, env.EDGE_PORT, env.ORIGIN_PORT, env.COLLECTOR_HTTP_PORT]) {
        assert.equal(await listening(port), true, `something answers on ${port}`);
      }

      // Ctrl-C, and again while it stops (an impatient user; npm and bootstrap.mjs pass the first one
      // on too, but signals that arrive together may merge into one).
      process.kill(-demo.pid!, 'SIGINT');
      for (const deadline = Date.now() + 5000; !output.includes('stopping…') && Date.now() < deadline; )
        await new Promise((resolve) => setTimeout(resolve, 10));
      try {
        process.kill(-demo.pid!, 'SIGINT');
      } catch {
        // The whole group has ended already.
      }
      // npm ends on the signal itself (as in a terminal); the services stop behind it.
      const ended = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 60_000))]);
      assert.ok(['SIGINT', 'code 0', 'code 130'].includes(ended), `npm run demo ended: ${ended}\n${output.slice(-2000)}`);
      let stillListening: number[] = [];
      for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
        stillListening = [];
        for (const port of ports) if (await listening(port)) stillListening.push(port);
        if (stillListening.length === 0) break;
      }
      assert.deepEqual(stillListening, [], `no service is left running:\n${output.slice(-2000)}`);
    } finally {
      // A failed run must not leave the demo, or what it started, behind for the next test.
      try {
        process.kill(-demo.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      for (const port of ports) if (await listening(port)) killListenerGroups(port);
    }
  });
});
