import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { SCRIPT_TAG_FILE } from '@journeytrace/tooling/lib/buildScriptTag.js';
import { PACKAGES_BUILT_BY_TSC } from './build.js';

/** Every `.js` file under `folder`, recursively. */
function scripts(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the build', () => {
  it('leaves in each package dist only modules that have a source (what npm packs is what src holds)', () => {
    for (const folder of PACKAGES_BUILT_BY_TSC) {
      const dist = join(ROOT, folder, 'dist');
      assert.ok(existsSync(dist), `${folder} is built (npm test builds before the unit tests)`);
      const orphans = scripts(dist)
        .filter((file) => file !== SCRIPT_TAG_FILE)
        .filter((file) => !existsSync(join(ROOT, folder, 'src', relative(dist, file).replace(/\.js$/, '.ts'))));
      assert.deepEqual(orphans, [], `${folder}/dist holds modules with no source`);
    }
  });
});
