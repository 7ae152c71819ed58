/**
 * What `wrangler deploy` ships holds no secret: `edge-worker/wrangler.toml` is deployed as it
 * is, so a session secret or a collector credential among its `[vars]` would be public and
 * would let anyone mint a trusted `user.tier`. Secrets are `wrangler secret put`; local runs
 * get development values from the stack (scripts/stack/devSecrets.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../../scripts/lib/paths.js';
import { DEV_SESSION_SECRET } from '../../scripts/stack/devSecrets.js';

/** Names of settings that hold secrets (the session secret, collector auth headers, keys, tokens). */
const SECRET_NAME = /^\s*"?([A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|API_KEY|_HEADERS)[A-Z0-9_]*)"?\s*=/gm;

function secretsIn(toml: string): string[] {
  const found = [...toml.matchAll(SECRET_NAME)].map((match) => match[1]!);
  if (toml.includes(DEV_SESSION_SECRET)) found.push('the development session secret');
  return found;
}

describe('the deployed edge configuration', () => {
  it('edge-worker/wrangler.toml sets no secret', () => {
    assert.deepEqual(secretsIn(readFileSync(join(ROOT, 'edge-worker/wrangler.toml'), 'utf8')), []);
  });

  it('the check finds a secret set as a var (it can fail)', () => {
    const planted = `[vars]\nOTEL_SERVICE_NAME = "edge"\nSESSION_SECRET = "x"\nOTEL_EXPORTER_OTLP_HEADERS = "authorization=Bearer y"\nNOTE = "${DEV_SESSION_SECRET}"\n`;
    assert.deepEqual(secretsIn(planted), ['SESSION_SECRET', 'OTEL_EXPORTER_OTLP_HEADERS', 'the development session secret']);
  });
});
