import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { configWithVars } from './wranglerDev.js';

describe('configWithVars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wrangler-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const config = (folder: string, text: string) => {
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, 'wrangler.toml'), text);
    return join(dir, folder, 'wrangler.toml');
  };

  it('makes main absolute and adds the vars to the [vars] table, leaving the rest as it was', () => {
    const source = config('recs', 'name = "recs"\nmain = "worker.ts"\n\n[vars]\nOTEL_SERVICE_NAME = "recs"\n');
    const copy = readFileSync(
      configWithVars(source, join(dir, 'run'), {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20"x"',
      }),
      'utf8',
    );
    assert.equal(
      copy,
      `name = "recs"\nmain = ${JSON.stringify(join(dir, 'recs/worker.ts'))}\n\n[vars]\nOTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:4318"\nOTEL_EXPORTER_OTLP_HEADERS = "Authorization=Bearer%20\\"x\\""\nOTEL_SERVICE_NAME = "recs"\n`,
    );
  });

  it('adds a [vars] table to a config without one, in a file named after the Worker folder', () => {
    const path = configWithVars(config('other', 'name = "other"\nmain = "src/index.ts"\n'), join(dir, 'run'), { A: '1' });
    assert.equal(path, join(dir, 'run', 'other.wrangler.toml'));
    assert.equal(readFileSync(path, 'utf8'), `name = "other"\nmain = ${JSON.stringify(join(dir, 'other/src/index.ts'))}\n\n[vars]\nA = "1"\n`);
  });
});
