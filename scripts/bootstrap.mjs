// Entry of `npm run demo|test|bench|build`. It runs before node_modules exists, so it uses Node's
// built-ins only: make sure a Node the kit supports runs it (on an older one, fetch Node LTS from
// the npm registry into .cache/ and re-run under it), install npm packages when package-lock.json
// changed, then run the TypeScript script named on the command line with tsx.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LTS_MAJOR, atLeast, formatVersion, minimumFromEngines, pathWithFirst, planRuntime } from '../tooling/lib/nodeRuntime.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// Set in the re-run under the fetched Node, so a fetched Node that is still too old stops.
const FETCHED_ENV = 'JOURNEYTRACE_FETCHED_NODE';

const minimum = minimumFromEngines(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node);
const plan = planRuntime({
  version: process.versions.node,
  platform: process.platform,
  arch: process.arch,
  minimum,
  fetched: process.env[FETCHED_ENV] !== undefined,
});
if (plan.action === 'stop') {
  console.error(`journeytrace: ${plan.message}`);
  process.exit(1);
}
if (plan.action === 'fetch') {
  const nodeDir = obtainNode(plan.packageName, plan.spec);
  const node = join(nodeDir, 'bin', 'node');
  runToEnd(node, process.argv.slice(1), {
    ...process.env,
    [FETCHED_ENV]: nodeDir,
    PATH: pathWithFirst(process.env.PATH, dirname(node), delimiter),
    // `npm run` named the Node it started with; scripts and node-gyp must see the fetched one.
    NODE: node,
    npm_node_execpath: node,
    // Native addons build against the fetched Node's own headers (no header download).
    npm_config_nodedir: nodeDir,
  });
} else {
  // Whatever a script starts by name (npm, node-gyp, tools) runs on this same Node.
  process.env.PATH = pathWithFirst(process.env.PATH, dirname(process.execPath), delimiter);
  installPackages();
  const [script, ...args] = process.argv.slice(2);
  if (script === undefined) {
    console.error('journeytrace: usage: node scripts/bootstrap.mjs <script.ts> [args…]');
    process.exit(1);
  }
  runToEnd(process.execPath, ['--import', 'tsx', join(root, script), ...args], process.env);
}

/**
 * The folder of a Node LTS from the npm registry package `spec` (its `bin/node` and
 * `include/node`), cached in .cache/node-<major>/ and shared by runs and worktrees.
 * @param {string} packageName
 * @param {string} spec
 */
function obtainNode(packageName, spec) {
  const cached = join(root, '.cache', `node-${LTS_MAJOR}`);
  const nodeDir = join(cached, 'node_modules', packageName);
  const usable = () => {
    const node = join(nodeDir, 'bin', 'node');
    if (!existsSync(node)) return false;
    const probe = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    return probe.status === 0 && atLeast(probe.stdout.trim(), minimum);
  };
  if (usable()) return nodeDir;
  mkdirSync(join(root, '.cache'), { recursive: true });
  withLock(`${cached}.lock`, () => {
    if (usable()) return;
    console.log(
      `journeytrace: Node ${process.versions.node} is older than ${formatVersion(minimum)}; fetching Node ${LTS_MAJOR} LTS (npm package ${spec}) into .cache/…`,
    );
    // Installed beside the cache and moved in whole, so no run ever sees half a Node.
    const staging = `${cached}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', staging, spec], {
      cwd: staging,
      stdio: 'inherit',
    });
    if (npm.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      console.error(`journeytrace: could not fetch ${spec} from the npm registry (see above); install Node ${LTS_MAJOR} LTS from https://nodejs.org.`);
      process.exit(1);
    }
    rmSync(cached, { recursive: true, force: true });
    renameSync(staging, cached);
  });
  if (!usable()) {
    console.error(`journeytrace: the fetched Node in ${nodeDir} does not run here; install Node ${LTS_MAJOR} LTS from https://nodejs.org.`);
    process.exit(1);
  }
  return nodeDir;
}

/** Installs npm packages when package-lock.json changed since the last install. */
function installPackages() {
  const lockHash = () =>
    createHash('sha256')
      .update(readFileSync(join(root, 'package-lock.json')))
      .digest('hex');
  const stamp = join(root, 'node_modules', '.journeytrace-lock-hash');
  const installed = () => existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash();
  if (installed()) return;
  withLock(join(root, '.npm-install.lock'), () => {
    if (installed()) return;
    // A fresh clone gets exactly the lockfile (npm ci); an existing tree is reconciled in
    // place (npm install), never wiped while another run may be using it.
    const fresh = !existsSync(join(root, 'node_modules'));
    const command = fresh ? 'ci' : 'install';
    console.log(`journeytrace: installing npm packages (npm ${command}, Node ${process.versions.node})…`);
    const npm = spawnSync('npm', [command, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
    if (npm.status !== 0) {
      console.error(`journeytrace: npm ${command} failed (see above).`);
      process.exit(npm.status ?? 1);
    }
    writeFileSync(stamp, lockHash());
  });
}

/**
 * Runs `work` holding a lock folder: two runs started together (or two worktrees sharing
 * .cache/) must not install over each other. A lock older than ten minutes of waiting is
 * taken to be left over from a run that died.
 * @param {string} lock
 * @param {() => void} work
 */
function withLock(lock, work) {
  const deadline = Date.now() + 10 * 60_000;
  while (!tryLock(lock)) {
    if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  try {
    work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** @param {string} path */
function tryLock(path) {
  try {
    mkdirSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a child to its end and exits with its code.
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function runToEnd(command, args, env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  // Ctrl-C reaches the whole process group; the script stops its services and exits itself.
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
