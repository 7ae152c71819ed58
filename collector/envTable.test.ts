// collector/README.md's table of environment variables lists every `${env:NAME}` the shipped
// configs read, which files read it, and its default: a variable added to a config without a
// line in the table fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';

const COLLECTOR_DIR = join(ROOT, 'collector');
/** `${env:NAME}` or `${env:NAME:-default}`, the collector's env provider syntax. */
const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

interface EnvUse {
  file: string;
  default: string | undefined;
}

/** Every variable the configs read, with each file that reads it and the default given there. */
function envUses(): Map<string, EnvUse[]> {
  const uses = new Map<string, EnvUse[]>();
  const configs = readdirSync(COLLECTOR_DIR).filter((name) => name.endsWith('.yaml') && name !== 'manifest.yaml');
  for (const file of configs) {
    const yaml = readFileSync(join(COLLECTOR_DIR, file), 'utf8').replace(/^\s*#.*$/gm, '');
    for (const match of yaml.matchAll(ENV_REFERENCE)) {
      const list = uses.get(match[1]!) ?? [];
      list.push({ file, default: match[2] });
      uses.set(match[1]!, list);
    }
  }
  return uses;
}

/** The rows of the README's table under `## Environment variables`, by variable. */
function tableRows(readme: string): Map<string, string> {
  const section = /^## Environment variables$([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const name = /^\|\s*`([A-Za-z0-9_]+)`\s*\|/.exec(line)?.[1];
    if (name) rows.set(name, line);
  }
  return rows;
}

test('the README lists every environment variable the configs read, where and with what default', () => {
  const uses = envUses();
  const rows = tableRows(readFileSync(join(COLLECTOR_DIR, 'README.md'), 'utf8'));
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the collector's ${env:…} syntax, not a template.
  assert.ok(uses.size > 0, 'no ${env:…} found in collector/*.yaml');
  for (const [name, list] of uses) {
    const row = rows.get(name);
    assert.ok(row, `collector/README.md: no row for ${name} in the "Environment variables" table (read by ${list.map((use) => use.file).join(', ')})`);
    const [, , readBy = '', defaults = ''] = row.split('|');
    for (const use of list) {
      assert.ok(readBy.includes(`\`${use.file}\``), `collector/README.md: the row of ${name} does not say that ${use.file} reads it`);
      const expected = use.default === undefined ? 'required' : `\`${use.default}\``;
      assert.ok(defaults.includes(expected), `collector/README.md: the row of ${name} does not give ${expected} as its default (${use.file})`);
    }
  }
  const stale = [...rows.keys()].filter((name) => !uses.has(name));
  assert.deepEqual(stale, [], 'rows for variables no config reads');
});
