// Entry of `npm run demo|test|bench`. It runs before node_modules exists, so it uses Node's
// built-ins only: install npm packages when package-lock.json changed, then run the
// TypeScript script named on the command line with tsx.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`journeytrace: Node ${process.versions.node} is too old; install Node 20.19 or newer.`);
  process.exit(1);
}

const lockHash = () => createHash('sha256').update(readFileSync(join(root, 'package-lock.json'))).digest('hex');
const stamp = join(root, 'node_modules', '.journeytrace-lock-hash');
const installed = () => existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash();
if (!installed()) {
  // One install at a time: two runs started together must not install over each other.
  const lock = join(root, '.npm-install.lock');
  const deadline = Date.now() + 10 * 60_000;
  while (!tryLock(lock)) {
    if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
  try {
    if (!installed()) {
      // A fresh clone gets exactly the lockfile (npm ci); an existing tree is reconciled in
      // place (npm install), never wiped while another run may be using it.
      const fresh = !existsSync(join(root, 'node_modules'));
      const command = fresh ? ['ci'] : ['install'];
      console.log(`journeytrace: installing npm packages (npm ${command[0]})…`);
      const npm = spawnSync('npm', [...command, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
      if (npm.status !== 0) {
        console.error(`journeytrace: npm ${command[0]} failed (see above).`);
        process.exit(npm.status ?? 1);
      }
      writeFileSync(stamp, lockHash());
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function tryLock(path) {
  try {
    mkdirSync(path);
    return true;
  } catch {
    return false;
  }
}

const [script, ...args] = process.argv.slice(2);
const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the whole process group; the script stops its services and exits itself.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
