/**
 * Which copies of each package went into a bundle, from the input paths of esbuild's metafile
 * (`node_modules/hono/dist/hono.js`, `../node_modules/@opentelemetry/api/build/esm/index.js`).
 */
export function packageCopies(inputs: Iterable<string>): Map<string, Set<string>> {
  const copies = new Map<string, Set<string>>();
  for (const input of inputs) {
    // The innermost node_modules folder names the package (a nested copy is another copy).
    const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
    if (!match) continue;
    const folders = copies.get(match[2]!) ?? new Set<string>();
    folders.add(match[1]!);
    copies.set(match[2]!, folders);
  }
  return copies;
}
