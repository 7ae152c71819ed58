import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { dryRunBundle } from '@journeytrace/tooling/lib/edgeBundle.js';

const EDGE_DIR = import.meta.dirname;

describe('the edge worker bundle (wrangler deploy --dry-run)', () => {
  it('builds with only the nodejs_als flag and one copy of each package (OpenTelemetry, hono)', async () => {
    const bundle = await dryRunBundle({ cwd: EDGE_DIR });
    assert.ok(bundle.bytes > 10_000, `a real bundle (${bundle.bytes} bytes)`);
    // node:async_hooks is what nodejs_als provides; anything else would need nodejs_compat.
    assert.deepEqual(bundle.nodeImports, ['node:async_hooks']);
    const flags = /^compatibility_flags\s*=\s*(\[.*\])/m.exec(readFileSync(join(EDGE_DIR, 'wrangler.toml'), 'utf8'))?.[1];
    assert.deepEqual(JSON.parse(flags ?? 'null'), ['nodejs_als']);
    assert.ok(bundle.packageCopies.has('@opentelemetry/api'));
    assert.ok(bundle.packageCopies.has('hono'));
    for (const [name, copies] of bundle.packageCopies) assert.equal(copies.size, 1, `${name}: ${[...copies].join(', ')}`);
  });
});
