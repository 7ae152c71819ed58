import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outputDirOf } from './collector-build.js';
import { SetupError } from '@journeytrace/tooling/lib/log.js';

test('collector:build takes --out DIR or --out=DIR, relative to where the command was typed', () => {
  assert.equal(outputDirOf(['--out', 'bin'], '/home/me/app'), '/home/me/app/bin');
  assert.equal(outputDirOf(['--out=/opt/otelcol'], '/home/me/app'), '/opt/otelcol');
});

test('collector:build without a directory says how to call it', () => {
  for (const args of [[], ['--out'], ['--out', '--verbose'], ['--out=']]) {
    assert.throws(
      () => outputDirOf(args, '/tmp'),
      (error: unknown) => error instanceof SetupError && /--out DIR is required/.test(error.message),
    );
  }
});
