/**
 * What `wrangler deploy` ships holds no secret and opens no demo or test door:
 * `demo-app/edge/wrangler.toml` is deployed as it is, so a session secret or a collector credential
 * among its `[vars]` would be public and would let anyone mint a trusted `user.tier`, and the
 * demo's sign-in (which signs anyone in) or the conformance endpoint (which posts where it is
 * told) must not be served. Secrets are `wrangler secret put`; local runs get development values
 * and the doors from the stack (tooling/stack/stack.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from 'wrangler';
import { dryRunBundle } from '@journeytrace/tooling/lib/edgeBundle.js';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { DEV_SESSION_SECRET } from '@journeytrace/tooling/stack/devSecrets.js';

const EDGE_DIR = join(ROOT, 'demo-app/edge');
const WRANGLER_TOML = join(EDGE_DIR, 'wrangler.toml');
/** Bindings that open the demo's and the tests' doors: a run sets them, a deploy never. */
const DOOR_VARS = ['EDGE_DEMO_SIGN_IN', 'EDGE_CONFORMANCE'];

/** Names of settings that hold secrets (the session secret, collector auth headers, keys, tokens). */
const SECRET_NAME = /^\s*"?([A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|API_KEY|_HEADERS)[A-Z0-9_]*)"?\s*=/gm;

function secretsIn(toml: string): string[] {
  const found = [...toml.matchAll(SECRET_NAME)].map((match) => match[1]!);
  if (toml.includes(DEV_SESSION_SECRET)) found.push('the development session secret');
  return found;
}

describe('the deployed edge configuration', () => {
  it('demo-app/edge/wrangler.toml sets no secret', () => {
    assert.deepEqual(secretsIn(readFileSync(WRANGLER_TOML, 'utf8')), []);
  });

  it('the check finds a secret set as a var (it can fail)', () => {
    const planted = `[vars]\nOTEL_SERVICE_NAME = "edge"\nSESSION_SECRET = "x"\nOTEL_EXPORTER_OTLP_HEADERS = "authorization=Bearer y"\nNOTE = "${DEV_SESSION_SECRET}"\n`;
    assert.deepEqual(secretsIn(planted), ['SESSION_SECRET', 'OTEL_EXPORTER_OTLP_HEADERS', 'the development session secret']);
  });
});

describe('the deployed edge worker (the dry-run bundle in workerd, with the shipped bindings)', () => {
  // As `wrangler deploy` resolves it: the top-level environment, no .dev.vars.
  const config = unstable_readConfig({ config: WRANGLER_TOML }, {});
  let mf: Miniflare | undefined;
  before(async () => {
    const bundle = await dryRunBundle({ cwd: EDGE_DIR });
    // The bundle is one module: wrangler's module rules (which Miniflare 5 cannot take over) are not needed.
    const { modulesRules: _rules, ...workerOptions } = unstable_getMiniflareWorkerOptions(WRANGLER_TOML).workerOptions;
    mf = new Miniflare(
      // Miniflare 5 takes its own option shape; wrangler still speaks v4 (its worker options).
      convertV4MiniflareOptions({
        ...workerOptions,
        modules: true,
        script: bundle.script,
        compatibilityDate: config.compatibility_date,
        compatibilityFlags: config.compatibility_flags,
        // The shipped vars, and a session secret as `wrangler secret put` would add it.
        bindings: { ...config.vars, SESSION_SECRET: randomBytes(32).toString('hex') },
      }),
    );
    await mf.ready;
  });
  after(async () => {
    await mf?.dispose();
  });

  it('ships no binding that opens the sign-in or the conformance endpoint', () => {
    assert.deepEqual(
      DOOR_VARS.filter((name) => name in config.vars),
      [],
    );
  });

  it('serves no demo sign-in: nobody gets a session token', async () => {
    const response = await mf!.dispatchFetch('https://edge.shop.example/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"tier":"vip"}',
    });
    assert.equal(response.status, 404, await response.text());
  });

  it('serves no conformance endpoint', async () => {
    const response = await mf!.dispatchFetch('https://edge.shop.example/__conformance/trace-context', {
      method: 'POST',
      body: '[{"url":"http://127.0.0.1:9/x","arguments":[]}]',
    });
    assert.equal(response.status, 404, await response.text());
  });
});
