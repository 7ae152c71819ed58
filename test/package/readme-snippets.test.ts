// Every TypeScript snippet in the READMEs compiles, strict, against the packages as `npm run build`
// left them (resolved through the repository's node_modules links to each package's dist/ and its
// `exports`), so the docs and the types cannot drift apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@journeytrace/tooling/lib/paths.js';
import { run } from '@journeytrace/tooling/lib/run.js';
import { typescriptSnippets } from './markdownSnippets.js';

const READMES = [
  'README.md',
  'contract/README.md',
  'web-sdk/README.md',
  'edge-worker/README.md',
  'node-sdk/README.md',
  'test/playwright-kit/README.md',
  'collector/README.md',
];

test('the snippet reader finds TypeScript fences with their context, and only those', () => {
  const markdown = [
    '# x',
    '```sh',
    'npm test',
    '```',
    '<!-- ts-context',
    'declare const app: number;',
    '-->',
    '',
    '```ts',
    'app + 1;',
    '```',
    '```html',
    '<p>',
    '```',
  ].join('\n');
  assert.deepEqual(typescriptSnippets(markdown), [{ line: 9, code: 'app + 1;', context: 'declare const app: number;' }]);
});

test('every TypeScript snippet in the READMEs type-checks (strict) against the built packages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jt-readme-snippets-'));
  try {
    // The repository's node_modules: the workspace packages are links to their folders, whose
    // package.json `exports` point at dist/.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // Snippets of Workers code import `cloudflare:workers`: the declaration the test workers compile against.
    const files: string[] = [join(ROOT, 'test', 'workers', 'bindings', 'cloudflare-workers.d.ts')];
    // Where each file's lines come from: the README, and the line before the snippet's first.
    const origin = new Map<string, { readme: string; offset: number }>();
    for (const readme of READMES) {
      for (const snippet of typescriptSnippets(readFileSync(join(ROOT, readme), 'utf8'))) {
        const name = `${readme.replace(/\W+/g, '_')}_${snippet.line}.ts`;
        // A module of its own, so the snippets' names never collide; the context first.
        const context = snippet.context ? `${snippet.context}\n` : '';
        writeFileSync(join(dir, name), `${context}${snippet.code}\nexport {};\n`);
        files.push(name);
        origin.set(name, { readme, offset: snippet.line - (context.match(/\n/g)?.length ?? 0) });
      }
    }
    assert.ok(files.length >= 8, `expected the READMEs' snippets, found ${files.length}`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          strict: true,
          noEmit: true,
          lib: ['es2022', 'dom', 'dom.iterable'],
          types: ['node'],
          skipLibCheck: true,
        },
        files,
      }),
    );
    const result = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'], {
      cwd: dir,
      logFile: join(dir, 'tsc.log'),
    });
    // Name each failure by its README and line, not the temp file (a line of the context: the fence's).
    const output = result.output.replace(/^(\S+?\.ts)\((\d+),(\d+)\)/gm, (all, file: string, line: string) => {
      const from = origin.get(file);
      return from ? `${from.readme}:${Math.max(from.offset + Number(line), from.offset + 1)}` : all;
    });
    assert.equal(result.code, 0, `README snippets that do not type-check:\n${output}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
