/**
 * The TypeScript snippets of a Markdown file: every ```ts (or ```typescript, ```tsx) fence,
 * with the line it starts on and its context. A snippet that uses names it does not define (an
 * `app` built earlier in the README, the user's own `loadCart()`) gets them from an HTML comment
 * right before its fence, which a reader of the rendered README does not see:
 *
 *     <!-- ts-context
 *     declare const app: Hono<{ Bindings: Env }>;
 *     -->
 *     ```ts
 *
 * There is no way to skip a TypeScript snippet: what is not TypeScript gets another fence
 * (```sh, ```html, ```yaml, ```js).
 */

export interface MarkdownSnippet {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** Declarations the snippet relies on, from its `<!-- ts-context -->` comment ('' if none). */
  context: string;
}

const OPENING = /^ {0,3}(`{3,}|~{3,})\s*([\w-]*)/;
const TYPESCRIPT = new Set(['ts', 'typescript', 'tsx']);
const CONTEXT = /<!--\s*ts-context\b([\s\S]*?)-->\s*$/;

export function typescriptSnippets(markdown: string): MarkdownSnippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: MarkdownSnippet[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const opening = OPENING.exec(lines[i]!);
    if (!opening) continue;
    const fence = opening[1]!;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence)) end += 1;
    if (TYPESCRIPT.has(opening[2]!.toLowerCase())) {
      snippets.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n'), context: contextBefore(lines, i) });
    }
    i = end;
  }
  return snippets;
}

/** The `<!-- ts-context … -->` comment that ends on the last non-blank line before `fenceIndex`. */
function contextBefore(lines: readonly string[], fenceIndex: number): string {
  let last = fenceIndex - 1;
  while (last >= 0 && lines[last]!.trim() === '') last -= 1;
  if (last < 0 || !lines[last]!.trim().endsWith('-->')) return '';
  let first = last;
  while (first >= 0 && !lines[first]!.includes('<!--')) first -= 1;
  if (first < 0) return '';
  return CONTEXT.exec(lines.slice(first, last + 1).join('\n'))?.[1]?.trim() ?? '';
}
