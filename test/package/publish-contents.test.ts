/**
 * What `npm publish` would upload for each of the five packages, from `npm pack --dry-run` on
 * the package as `npm run build` left it: the license, README and changelog are in; test files,
 * the demo worker and test helpers are not; every source map can be followed with what ships
 * (its sources shipped, or carried inline); and the manifest says what a registry and a legal
 * review look for.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { exportedFiles, readManifest } from './consumerProject.js';

const PACKAGES = ['contract', 'web-sdk', 'edge-worker', 'node-sdk', 'test/playwright-kit'] as const;

/** Paths that never belong in a package: tests, type-level tests, the demo worker, test helpers, sources. */
const NOT_SHIPPED: ReadonlyArray<[RegExp, string]> = [
  [/\.(test|spec|typetest)\.[cm]?[jt]s(\.map)?$/, 'a test file'],
  [/(^|\/)(demo|journeys|workers|load|reliability|security|property|package)\//, 'demo or test code'],
  [/(^|\/)worker\.(js|d\.ts|js\.map)$/, 'the demo worker'],
  [/(^|\/)(testSpans|capturedMetrics)\./, 'a test helper'],
  [/(?<!\.d)\.ts$/, 'TypeScript source'],
  [/\.tsbuildinfo$/, 'build state'],
];

interface PackedManifest {
  name: string;
  license?: string;
  homepage?: string;
  keywords?: string[];
  sideEffects?: boolean | string[];
  engines?: { node?: string };
  repository?: { type?: string; url?: string; directory?: string };
  publishConfig?: { access?: string };
}

function packedFiles(packageDir: string): string[] {
  if (!existsSync(join(ROOT, packageDir, 'dist'))) throw new Error(`${packageDir}/dist is missing: run \`npm run build\` first`);
  // --ignore-scripts: no prepack rebuild of a dist/ that tests running beside this one import.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: join(ROOT, packageDir), encoding: 'utf8' }),
  ) as Array<{
    files: Array<{ path: string }>;
  }>;
  return packed[0]!.files.map((file) => file.path);
}

for (const packageDir of PACKAGES) {
  describe(`${packageDir}: the published package`, () => {
    const files = packedFiles(packageDir);
    const shipped = new Set(files);
    const manifest = JSON.parse(readFileSync(join(ROOT, packageDir, 'package.json'), 'utf8')) as PackedManifest;

    it('holds the license, README, changelog and every exported file', () => {
      for (const required of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', ...exportedFiles(readManifest(packageDir))]) {
        assert.ok(shipped.has(required), `${required} is not in the package`);
      }
      assert.equal(readFileSync(join(ROOT, packageDir, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'), "the LICENSE is the repository's");
    });

    it('holds no tests, demo code, test helpers or sources', () => {
      const wrong = files.flatMap((path) => NOT_SHIPPED.filter(([pattern]) => pattern.test(path)).map(([, what]) => `${path} (${what})`));
      assert.deepEqual(wrong, []);
    });

    it('has source maps that resolve within the package', () => {
      const broken: string[] = [];
      for (const path of files.filter((file) => file.endsWith('.js'))) {
        const reference = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(ROOT, packageDir, path), 'utf8'))?.[1];
        if (reference && !reference.startsWith('data:') && !shipped.has(normalize(join(dirname(path), reference))))
          broken.push(`${path}: its map ${reference} is not shipped`);
      }
      for (const path of files.filter((file) => file.endsWith('.map'))) {
        const map = JSON.parse(readFileSync(join(ROOT, packageDir, path), 'utf8')) as {
          sources: string[];
          sourcesContent?: Array<string | null>;
          sourceRoot?: string;
        };
        map.sources.forEach((source, index) => {
          const inline = typeof map.sourcesContent?.[index] === 'string';
          const file = normalize(join(dirname(path), map.sourceRoot ?? '', source));
          if (!inline && !shipped.has(file)) broken.push(`${path}: source ${source} is neither shipped nor inline`);
        });
      }
      assert.deepEqual(broken, []);
    });

    it('says its license, repository, homepage, keywords, side effects, engines and public access', () => {
      assert.equal(manifest.license, 'Apache-2.0');
      assert.equal(manifest.repository?.type, 'git');
      assert.match(manifest.repository?.url ?? '', /^git\+https:\/\/.+\.git$/);
      assert.equal(manifest.repository?.directory, packageDir);
      assert.match(manifest.homepage ?? '', /^https:\/\//);
      assert.ok((manifest.keywords ?? []).includes('opentelemetry'), 'keywords name OpenTelemetry');
      assert.ok(manifest.sideEffects !== undefined, 'sideEffects is declared (bundlers drop unused modules)');
      assert.match(manifest.engines?.node ?? '', /^>=\d+\.\d+/);
      // A scoped package is published restricted (paid, private) unless it says otherwise.
      assert.equal(manifest.publishConfig?.access, 'public');
    });
  });
}

it('the repository carries the Apache-2.0 license text', () => {
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
  assert.match(license, /END OF TERMS AND CONDITIONS/);
});
