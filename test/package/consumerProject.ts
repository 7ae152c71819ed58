/**
 * A new project that installs one of journeytrace's packages the way its users do: from the
 * `npm pack` tarball, next to the versions of its peer dependencies the test chooses.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { lastLines, run } from '@journeytrace/tooling/lib/run.js';

/** A consumer's TypeScript project as a bundler-based app or worker sets it up. */
const CONSUMER_COMPILER_OPTIONS = {
  target: 'es2022',
  module: 'esnext',
  moduleResolution: 'bundler',
  strict: true,
  noEmit: true,
  lib: ['es2022', 'dom', 'dom.iterable'],
  types: [],
};

export interface PackageManifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
}

export interface ConsumerProject {
  dir: string;
  /** Paths inside the tarball (`dist/index.js`). */
  packedFiles: string[];
  /** Writes a file into the project. */
  write(name: string, text: string): void;
  /**
   * `tsc` (the repository's), strict, on `files` against the installed declarations; code 0 when
   * they type-check. `compilerOptions` are added to a bundler-resolved ES2022 project's.
   */
  typecheck(files: string[], compilerOptions?: Record<string, unknown>): Promise<{ code: number; output: string }>;
  remove(): void;
}

export function readManifest(packageDir: string): PackageManifest {
  return JSON.parse(readFileSync(join(ROOT, packageDir, 'package.json'), 'utf8')) as PackageManifest;
}

/** The lowest version a range admits (`^1.9.0`, `>=1.9.0 <1.10.0`, `^0.11.0 || ^0.12.0`). */
export function lowestAllowed(range: string | undefined): string {
  const lowest = /^(?:\^|>=|~)?(\d+\.\d+\.\d+)/.exec(range ?? '')?.[1];
  if (!lowest) throw new Error(`cannot read the lower bound of "${range}"`);
  return lowest;
}

/**
 * Packs `packageDir` as `npm run build` left it and installs the tarball with `dependencies` into a
 * new project. `--strict-peer-deps`: a peer range that does not admit them fails the install.
 */
export async function createConsumerProject(packageDir: string, dependencies: Record<string, string>): Promise<ConsumerProject> {
  const dir = mkdtempSync(join(tmpdir(), 'jt-consumer-'));
  const tarball = packTarball(packageDir, dir);
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  // The kit's own packages it depends on (the contract) are not published yet: their tarballs too.
  const kit = Object.fromEntries(
    kitDependencies(packageDir).map((dependencyDir) => {
      const packed = packTarball(dependencyDir, dir);
      return [packed.name, `file:./${packed.filename}`];
    }),
  );
  write(
    'package.json',
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: { [tarball.name]: `file:./${tarball.filename}`, ...kit, ...dependencies },
    }),
  );
  const install = await run('npm', ['install', '--strict-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    logFile: join(dir, 'npm-install.log'),
  });
  if (install.code !== 0) throw new Error(`npm install in the consumer project failed:\n${lastLines(install.output)}`);
  return {
    dir,
    packedFiles: tarball.files.map((file) => file.path),
    write,
    typecheck: (files, compilerOptions = {}) => {
      write('tsconfig.json', JSON.stringify({ compilerOptions: { ...CONSUMER_COMPILER_OPTIONS, ...compilerOptions }, files }));
      return run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: dir, logFile: join(dir, 'tsc.log') });
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface PackedTarball {
  name: string;
  /** The file's name in the destination (`journeytrace-edge-0.1.0.tgz`). */
  filename: string;
  files: Array<{ path: string }>;
}

/**
 * `npm pack` of `packageDir` as `npm run build` left it, into `destination`. Not through
 * `prepack`: rebuilding dist here would rewrite files that tests running beside this one import.
 */
export function packTarball(packageDir: string, destination: string): PackedTarball {
  if (!existsSync(join(ROOT, packageDir, 'dist'))) throw new Error(`${packageDir}/dist is missing: run \`npm run build\` first`);
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], { cwd: join(ROOT, packageDir), encoding: 'utf8' }),
  ) as PackedTarball[];
  return packed[0]!;
}

/** The workspace folder of each of the kit's packages, by package name. */
export const KIT_PACKAGE_DIRS: Readonly<Record<string, string>> = {
  '@journeytrace/contract': 'contract',
  journeytrace: 'web-sdk',
  '@journeytrace/edge': 'edge-worker',
  '@journeytrace/node': 'node-sdk',
  '@journeytrace/playwright': 'test',
};

/** The workspace folders of the kit's packages `packageDir` depends on, directly or not. */
export function kitDependencies(packageDir: string, seen = new Set<string>()): string[] {
  for (const name of Object.keys(readManifest(packageDir).dependencies ?? {})) {
    const dir = KIT_PACKAGE_DIRS[name];
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    kitDependencies(dir, seen);
  }
  return [...seen];
}

/** Each `exports` entry's files (`./dist/index.js`, `./dist/index.d.ts`) as paths inside the tarball. */
export function exportedFiles(manifest: PackageManifest): string[] {
  return Object.values(manifest.exports)
    .flatMap((entry) => (typeof entry === 'string' ? [entry] : [entry.default, entry.types]))
    .map((path) => path.replace(/^\.\//, ''));
}
