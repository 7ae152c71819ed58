/**
 * The collector's tail-sampling policy and the contract's constants say the same thing: the
 * tiers the `premium-users` policy keeps and the `slow-requests` threshold are read from every
 * shipped config and compared with `TAIL_SAMPLING_KEPT_TIERS` and `SLOW_REQUEST_THRESHOLD_MILLIS`,
 * which rank exemplars (`exemplarPriority`) and which the docs quote.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ATTR_USER_TIER, SLOW_REQUEST_THRESHOLD_MILLIS, TAIL_SAMPLING_KEPT_TIERS } from '@journeytrace/contract';

const here = dirname(fileURLToPath(import.meta.url));
const configs = readdirSync(here).filter((name) => name.endsWith('.yaml') && name !== 'manifest.yaml');

/** The policy entries (`- name: …` and the lines indented under it) of a config's tail_sampling processor. */
function tailSamplingPolicies(yaml: string): Map<string, string> {
  const policies = new Map<string, string>();
  const lines = yaml.split('\n');
  const start = lines.findIndex((line) => /^\s+tail_sampling:\s*$/.test(line));
  if (start < 0) return policies;
  const indentOf = (line: string) => line.length - line.trimStart().length;
  const processorIndent = indentOf(lines[start]!);
  let current: { name: string; indent: number; body: string[] } | undefined;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() && indentOf(line) <= processorIndent) break;
    const entry = /^(\s*)- name:\s*(\S+)\s*$/.exec(line);
    if (entry) {
      if (current) policies.set(current.name, current.body.join('\n'));
      current = { name: entry[2]!, indent: entry[1]!.length, body: [] };
    } else if (current && (!line.trim() || indentOf(line) > current.indent)) current.body.push(line);
    else if (current) {
      policies.set(current.name, current.body.join('\n'));
      current = undefined;
    }
  }
  if (current) policies.set(current.name, current.body.join('\n'));
  return policies;
}

const policiesByConfig = configs.map((name) => ({ name, policies: tailSamplingPolicies(readFileSync(join(here, name), 'utf8')) }));

describe('tail sampling in the collector configs matches the contract', () => {
  it('some config defines the premium-users and slow-requests policies', () => {
    assert.ok(
      policiesByConfig.some(({ policies }) => policies.has('premium-users')),
      'a premium-users policy',
    );
    assert.ok(
      policiesByConfig.some(({ policies }) => policies.has('slow-requests')),
      'a slow-requests policy',
    );
  });

  for (const { name, policies } of policiesByConfig) {
    const premium = policies.get('premium-users');
    if (premium) {
      it(`${name}: premium-users keeps the contract's tiers, read from ${ATTR_USER_TIER}`, () => {
        assert.equal(/key:\s*(\S+)/.exec(premium)?.[1], ATTR_USER_TIER);
        const values = /values:\s*\[([^\]]*)\]/.exec(premium)?.[1];
        assert.ok(values !== undefined, 'values as a flow list');
        assert.deepEqual(
          values
            .split(',')
            .map((value) => value.trim().replace(/^["']|["']$/g, ''))
            .sort(),
          [...TAIL_SAMPLING_KEPT_TIERS].sort(),
        );
      });
    }
    const slow = policies.get('slow-requests');
    if (slow) {
      it(`${name}: slow-requests uses the contract's threshold`, () => {
        const thresholds = [...slow.matchAll(/end_time_unix_nano\s*-\s*span\.start_time_unix_nano\s*>\s*(\d+)/g)].map((match) => Number(match[1]));
        assert.ok(thresholds.length > 0, 'a span-duration condition');
        for (const nanos of thresholds) assert.equal(nanos / 1e6, SLOW_REQUEST_THRESHOLD_MILLIS);
      });
    }
  }
});
