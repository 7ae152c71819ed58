/**
 * Every shipped collector config must load in the real collector: `validate` parses the YAML,
 * checks each component's settings and the pipelines, so a broken config fails CI.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const collector = process.env.OTELCOL_BIN;
const run = promisify(execFile);

/**
 * Each whole config (config.yaml, front-tier.yaml), and each overlay `config.<environment>.yaml`
 * on top of config.yaml (the collector merges them in order).
 */
const configs = readdirSync(here)
  .filter((name) => name.endsWith('.yaml') && name !== 'manifest.yaml')
  .map((name) => (/^config\.[\w-]+\.yaml$/.test(name) ? ['config.yaml', name] : [name]));

/** What the shipped configs need from the environment, with harmless values. */
const requiredEnv = {
  JOURNEYTRACE_TRACES_FILE: '/dev/null',
  JOURNEYTRACE_BACKEND_ENDPOINT: 'http://127.0.0.1:4318',
  JOURNEYTRACE_SAMPLING_TIER: '[127.0.0.1:4317, 127.0.0.1:14317]',
  JOURNEYTRACE_COLLECTOR_TOKEN: 'validate-only-token',
};

describe('collector configs', () => {
  it('finds the collector built by the setup step', () => {
    assert.ok(collector, 'OTELCOL_BIN is not set: run the tests through `npm test`, which builds the collector.');
  });

  for (const files of configs) {
    it(`${files.join(' + ')} is valid`, async () => {
      const args = ['validate', ...files.flatMap((file) => ['--config', join(here, file)])];
      await run(collector!, args, { env: { ...process.env, ...requiredEnv } });
    });
  }

  it('rejects a broken config (the check can fail)', async () => {
    const broken = 'yaml:processors::batch::timeout: soon';
    await assert.rejects(run(collector!, ['validate', '--config', join(here, 'config.yaml'), '--config', broken]));
  });
});
