import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ephemeralPortRange, freePort, portFree, pruneReservations } from './ports.js';

describe('freePort', () => {
  it('gives ports below the ephemeral range, each once (also across processes), that can be listened on', async () => {
    const [low] = ephemeralPortRange();
    const ports: number[] = [];
    for (let i = 0; i < 40; i++) ports.push(await freePort());
    assert.equal(new Set(ports).size, ports.length, 'no port given out twice');
    for (const port of ports) assert.ok(port >= 10_000 && port < low, `${port} is below the ephemeral range (from ${low})`);
    assert.ok(await portFree(ports[0]!));
    // Another process (as a second Playwright worker) gets none of them while they are reserved.
    const others = JSON.parse(
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          "import('./tooling/stack/ports.ts').then(async ({ freePort }) => { const p = []; for (let i = 0; i < 1000; i++) p.push(await freePort()); console.log(JSON.stringify(p)); })",
        ],
        { encoding: 'utf8' },
      ),
    ) as number[];
    assert.equal(others.filter((port) => ports.includes(port)).length, 0);
  });
});

describe('pruneReservations', () => {
  it('deletes reservations older than ten minutes and keeps the recent ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ports-'));
    const now = Date.now();
    for (const [port, ageMinutes] of [
      [10001, 30],
      [10002, 11],
      [10003, 1],
    ] as const) {
      writeFileSync(join(dir, String(port)), '1');
      const at = (now - ageMinutes * 60_000) / 1000;
      utimesSync(join(dir, String(port)), at, at);
    }
    assert.equal(pruneReservations(now, dir), 2);
    assert.deepEqual(readdirSync(dir), ['10003']);
    assert.equal(pruneReservations(now, join(dir, 'none')), 0);
  });
});
