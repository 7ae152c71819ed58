/**
 * No collector credential or server secret ever reaches a browser: scans every built browser
 * bundle (the web SDK's npm and script-tag builds, the demo app) for the secrets the edge holds
 * and for the collector's address. `npm test` builds them before the unit tests run.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { DEV_SESSION_SECRET } from '@journeytrace/tooling/stack/devSecrets.js';
import { recordFigure } from '@journeytrace/tooling/reliability/figures.js';

const BUNDLE_DIRS = [join(ROOT, 'web-sdk/dist'), join(ROOT, 'demo-app/dist')];

/** What must never ship to a browser, with why. */
function forbidden(): Array<{ what: string; pattern: RegExp }> {
  return [
    { what: 'the edge session secret', pattern: new RegExp(DEV_SESSION_SECRET.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) },
    { what: 'collector credentials configuration', pattern: /OTEL_EXPORTER_OTLP_HEADERS|JOURNEYTRACE_BACKEND_HEADERS/ },
    { what: 'a bearer token', pattern: /Bearer [A-Za-z0-9._~+/-]{16,}/ },
    { what: "the collector's OTLP port", pattern: /127\.0\.0\.1:43(17|18)|localhost:43(17|18)/ },
  ];
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(m?js|html)$/.test(name) ? [path] : [];
  });
}

function leaks(paths: string[]): string[] {
  const patterns = forbidden();
  return paths.flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    return patterns.filter(({ pattern }) => pattern.test(text)).map(({ what }) => `${path}: ${what}`);
  });
}

describe('browser bundles', () => {
  it('hold no collector credential, server secret or collector address', () => {
    const bundles = BUNDLE_DIRS.filter(existsSync).flatMap(files);
    assert.ok(
      bundles.some((path) => path.endsWith('journeytrace.iife.js')),
      'the script-tag build was scanned',
    );
    assert.ok(
      bundles.some((path) => path.includes(join('demo-app', 'dist', 'assets'))),
      'the demo app build was scanned',
    );
    assert.deepEqual(leaks(bundles), []);
    recordFigure('security browser bundles', { kind: 'scan', files: bundles.length, patterns: forbidden().length });
  });

  it('the scan finds a planted secret (it can fail)', () => {
    const planted = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'app.js');
    writeFileSync(planted, `const key = "${DEV_SESSION_SECRET}"; fetch("http://127.0.0.1:4318/v1/traces")`);
    assert.deepEqual(leaks([planted]), [`${planted}: the edge session secret`, `${planted}: the collector's OTLP port`]);
  });
});
