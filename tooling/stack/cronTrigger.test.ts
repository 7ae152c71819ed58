import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../lib/paths.js';
import { cronsOf } from './cronTrigger.js';

describe('cronsOf', () => {
  it("reads the demo edge's cron trigger", () => {
    assert.deepEqual(cronsOf(join(ROOT, 'demo-app/edge/wrangler.toml')), ['* * * * *']);
  });

  it('reads several crons, ignores crons outside [triggers], and answers none without triggers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crons-'));
    const several = join(dir, 'several.toml');
    writeFileSync(several, 'name = "w"\n[vars]\ncrons = ["not this"]\n\n[triggers]\ncrons = ["*/5 * * * *", "0 3 * * mon"]\n');
    assert.deepEqual(cronsOf(several), ['*/5 * * * *', '0 3 * * mon']);
    const none = join(dir, 'none.toml');
    writeFileSync(none, 'name = "w"\n[vars]\ncrons = ["not this"]\n');
    assert.deepEqual(cronsOf(none), []);
  });
});
