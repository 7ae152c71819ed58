/**
 * A service's log holds everything it printed, also what was still in the pipes when it exited,
 * stopping it never writes to a log already closed, and a service never outlives the process
 * that started it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { freePort } from './ports.js';
import { startService } from './service.js';
import { endOrphanedServices, startTimeOf } from './serviceRegistry.js';

const dir = mkdtempSync(join(tmpdir(), 'jt-service-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('stop() resolves with the last output in the log, even a megabyte printed while exiting', async () => {
  const port = await freePort();
  // On SIGTERM it prints 1 MiB and exits at once: its exit can be seen before the pipe is drained.
  const script = `
    require('node:http').createServer((request, response) => response.end('ok')).listen(${port}, '127.0.0.1');
    process.on('SIGTERM', () => {
      require('node:fs').writeSync(1, 'x'.repeat(1 << 20) + '\\nlast line\\n');
      process.exit(0);
    });
  `;
  const logFile = join(dir, 'talker.log');
  for (let round = 0; round < 3; round++) {
    const service = await startService({
      name: 'talker',
      command: process.execPath,
      args: ['-e', script],
      env: process.env,
      logFile,
      readyUrl: `http://127.0.0.1:${port}/`,
    });
    await service.stop();
    const log = readFileSync(logFile, 'utf8');
    assert.ok(log.endsWith('last line\n'), `round ${round}: the log ends with the last line (it ends ${JSON.stringify(log.slice(-20))})`);
  }
});

it('a service that ignores SIGTERM and keeps printing is killed, and nothing is written to its closed log', async () => {
  const port = await freePort();
  // Keeps the pipe full until it is killed: output is still in it when stop() gives up waiting.
  const script = `
    require('node:http').createServer((request, response) => response.end('ok')).listen(${port}, '127.0.0.1');
    process.on('SIGTERM', () => {});
    setInterval(() => require('node:fs').writeSync(1, 'still here '.repeat(20000) + '\\n'), 0);
  `;
  const logFile = join(dir, 'stubborn.log');
  const uncaught: Error[] = [];
  let logged = Infinity;
  const onUncaught = (error: Error) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    // A race (how much is in the pipe at the kill): a few rounds make a regression show.
    for (let round = 0; round < 4; round++) {
      const service = await startService({
        ...{ name: 'stubborn', command: process.execPath, args: ['-e', script], env: process.env, logFile },
        readyUrl: `http://127.0.0.1:${port}/`,
        stopTimeoutMillis: 300,
      });
      await service.stop();
      // Whatever was still in the pipe comes now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      logged = Math.min(logged, statSync(logFile).size);
      rmSync(logFile, { force: true });
    }
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.deepEqual(
    uncaught.map((error) => error.message),
    [],
  );
  assert.ok(logged > 0, 'its output reached the log');
});

it('kill() is a crash: SIGKILL at once, no SIGTERM the service could act on', async () => {
  const port = await freePort();
  const marker = join(dir, 'graceful.marker');
  // On SIGTERM it would leave a marker (a flush, a shutdown hook); SIGKILL gives it no chance.
  const script = `
    require('node:http').createServer((request, response) => response.end('ok')).listen(${port}, '127.0.0.1');
    process.on('SIGTERM', () => { require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'stopped'); process.exit(0); });
  `;
  const service = await startService({
    name: 'crasher',
    command: process.execPath,
    args: ['-e', script],
    env: process.env,
    logFile: join(dir, 'crasher.log'),
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  await service.kill();
  assert.throws(() => process.kill(service.pid!, 0), 'the service is gone once kill() resolves');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(existsSync(marker), false, 'its SIGTERM handler never ran');
});

it('services of a process that is interrupted (Ctrl-C) or exits without stopping them do not outlive it', async () => {
  for (const ending of ['SIGINT', 'exit'] as const) {
    const port = await freePort();
    const pidFile = join(dir, `owner-${ending}.pid`);
    // An owner process starts a service, writes the service's pid, then is interrupted or just exits.
    const owner = `
      import('${join(import.meta.dirname, 'service.ts')}').then(async ({ startService }) => {
        const service = await startService({ name: 'child', command: process.execPath, args: ['-e', "require('node:http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')"], env: process.env, logFile: '${join(dir, `child-${ending}.log`)}', readyUrl: 'http://127.0.0.1:${port}/' });
        require('node:fs').writeFileSync('${pidFile}', String(service.pid));
        if ('${ending}' === 'SIGINT') { process.kill(process.pid, 'SIGINT'); setInterval(() => {}, 1000); } else process.exit(0);
      });
    `;
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', owner], { stdio: 'ignore' });
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    if (ending === 'SIGINT') assert.equal(exit.signal, 'SIGINT', 'the owner still ends by the signal');
    const servicePid = Number(readFileSync(pidFile, 'utf8'));
    const deadline = Date.now() + 5000;
    while (alive(servicePid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(alive(servicePid), false, `${ending}: the service (pid ${servicePid}) is gone`);
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('a service whose owner was killed outright (SIGKILL: no hook runs) is ended by the next run, one whose owner lives is not', async () => {
  const registry = join(dir, 'registry');
  const env = { ...process.env, JOURNEYTRACE_SERVICES_DIR: registry };
  const start = (name: string, port: number, pidFile: string) => `
    import('${join(import.meta.dirname, 'service.ts')}').then(async ({ startService }) => {
      const service = await startService({ name: '${name}', command: process.execPath, args: ['-e', "require('node:http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1')"], env: process.env, logFile: '${join(dir, `${name}.log`)}', readyUrl: 'http://127.0.0.1:${port}/' });
      require('node:fs').writeFileSync('${pidFile}', String(service.pid));
      setInterval(() => {}, 1000);
    });
  `;
  const owners: ReturnType<typeof spawn>[] = [];
  const pids: Record<string, number> = {};
  for (const name of ['orphan', 'kept']) {
    const pidFile = join(dir, `${name}.pid`);
    const owner = spawn(process.execPath, ['--import', 'tsx', '-e', start(name, await freePort(), pidFile)], { stdio: 'ignore', env });
    owners.push(owner);
    while (!existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 50));
    pids[name] = Number(readFileSync(pidFile, 'utf8'));
  }
  try {
    const killed = new Promise((resolve) => owners[0]!.once('exit', resolve));
    owners[0]!.kill('SIGKILL');
    await killed;
    assert.equal(alive(pids.orphan!), true, 'the orphan outlived its owner');
    process.env.JOURNEYTRACE_SERVICES_DIR = registry;
    assert.deepEqual(endOrphanedServices(), ['orphan']);
    const deadline = Date.now() + 5000;
    while (alive(pids.orphan!) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(alive(pids.orphan!), false, 'the orphan was ended');
    assert.equal(alive(pids.kept!), true, 'the service of a live owner was left alone');
    assert.deepEqual(endOrphanedServices(), [], 'nothing is ended twice');
  } finally {
    delete process.env.JOURNEYTRACE_SERVICES_DIR;
    owners[1]!.kill('SIGTERM');
  }
});

it('what a service leaves in its process group when its leader exits on its own ends with it', async () => {
  const port = await freePort();
  // A leader that starts a long-lived child in its own group (as wrangler starts workerd), then exits.
  const script = `
    const child = require('node:child_process').spawn('sleep', ['60'], { stdio: 'ignore' });
    require('node:fs').writeSync(1, 'child ' + child.pid + '\\n');
    require('node:http').createServer((request, response) => response.end('ok')).listen(${port}, '127.0.0.1', () => setTimeout(() => process.exit(3), 300));
  `;
  const logFile = join(dir, 'leader.log');
  const service = await startService({
    name: 'leader',
    command: process.execPath,
    args: ['-e', script],
    env: process.env,
    logFile,
    readyUrl: `tcp://127.0.0.1:${port}`,
  });
  // A zombie (killed, not yet reaped by whoever adopted it) is not alive.
  const alive = (pid: number) => startTimeOf(pid) !== undefined;
  const deadline = Date.now() + 5000;
  while (alive(service.pid!) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const childPid = Number(/child (\d+)/.exec(readFileSync(logFile, 'utf8'))?.[1]);
  assert.ok(childPid > 0, 'the child was started');
  assert.equal(alive(childPid), false, 'the child outlived its leader');
  await service.stop();
});
