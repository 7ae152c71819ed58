/**
 * The main entry exports exactly what the README's "The main entry" section lists: a new export
 * has to be documented there (and an internal one cannot slip out unnoticed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const PACKAGE_DIR = join(import.meta.dirname, '..');
const ENTRY = join(import.meta.dirname, 'index.ts');

/** The backticked names in the README section `### The main entry`, up to the next heading. */
function documentedNames(): Set<string> {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const start = readme.indexOf('\n### The main entry\n');
  assert.ok(start >= 0, 'the README has a "The main entry" section');
  const end = readme.indexOf('\n#', start + 1);
  const section = readme.slice(start, end);
  // Its last paragraph names the other entries (`@journeytrace/edge/relay`, ...): not exports.
  return new Set([...section.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((match) => match[1]!));
}

/** Every name the entry exports, and which of them exist at run time (values, not only types). */
function entryExports(): { all: Set<string>; values: Set<string> } {
  const program = ts.createProgram([ENTRY], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(ENTRY);
  const module = source && checker.getSymbolAtLocation(source);
  assert.ok(module, 'the entry is a module');
  const all = new Set<string>();
  const values = new Set<string>();
  for (const symbol of checker.getExportsOfModule(module)) {
    all.add(symbol.name);
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (target.flags & ts.SymbolFlags.Value) values.add(symbol.name);
  }
  return { all, values };
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe('@journeytrace/edge main entry', () => {
  const documented = documentedNames();
  const { all, values } = entryExports();

  it('exports (values and types) exactly what the README lists', () => {
    assert.deepEqual(sorted(all), sorted(documented));
  });

  it('exports at run time exactly its value exports (no stray runtime names)', async () => {
    const runtime = Object.keys(await import('./index.js'));
    assert.deepEqual(sorted(runtime), sorted(values));
    assert.ok(values.has('trace') && !all.has('EdgeSpan') && !all.has('SPAN_LIMITS'), 'the middleware, not the tracer internals');
  });
});
