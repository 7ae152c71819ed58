/**
 * Lays a trace out as a tree (parent before children, children by start time), for the
 * terminal waterfall, the demo's journey view and readable test failures. Pure: no I/O.
 */
import type { KeptSpan } from './collectorOutput.js';

export const SPAN_KIND_NAMES = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;

export interface TraceRow {
  span: KeptSpan;
  /** 0 for a root (or an orphan whose parent never arrived). */
  depth: number;
  /** Start, relative to the trace's earliest start. */
  offsetMillis: number;
  durationMillis: number;
  /** The parent is not in the trace (a broken hop, or a span that has not arrived). */
  orphan: boolean;
}

export interface TraceLayout {
  rows: TraceRow[];
  startMillis: number;
  totalMillis: number;
}

export function layoutTrace(spans: readonly KeptSpan[]): TraceLayout {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, KeptSpan[]>();
  for (const span of spans) {
    const list = children.get(span.parentSpanId) ?? [];
    list.push(span);
    children.set(span.parentSpanId, list);
  }
  const byStart = (a: KeptSpan, b: KeptSpan) => a.startMillis - b.startMillis;
  const startMillis = Math.min(...spans.map((span) => span.startMillis));
  const endMillis = Math.max(...spans.map((span) => span.endMillis));
  const rows: TraceRow[] = [];
  const visit = (span: KeptSpan, depth: number, orphan: boolean) => {
    rows.push({ span, depth, orphan, offsetMillis: span.startMillis - startMillis, durationMillis: span.endMillis - span.startMillis });
    for (const child of (children.get(span.spanId) ?? []).sort(byStart)) visit(child, depth + 1, false);
  };
  const roots = spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId)).sort(byStart);
  for (const root of roots) visit(root, 0, root.parentSpanId !== '');
  return { rows, startMillis: spans.length ? startMillis : 0, totalMillis: spans.length ? endMillis - startMillis : 0 };
}

/**
 * The trace as an indented text waterfall, one span a line:
 * `shop-web  checkout  INTERNAL  712 ms  |■■■■■■■■■■   |  ERROR`.
 */
export function renderTrace(spans: readonly KeptSpan[], options: { barWidth?: number; attributes?: readonly string[] } = {}): string {
  const barWidth = options.barWidth ?? 30;
  const { rows, totalMillis } = layoutTrace(spans);
  if (rows.length === 0) return '(no spans)';
  const labels = rows.map((row) => `${'  '.repeat(row.depth)}${row.span.service}  ${row.span.name}`);
  const labelWidth = Math.max(...labels.map((label) => label.length));
  return rows
    .map((row, index) => {
      const scale = totalMillis > 0 ? barWidth / totalMillis : 0;
      const from = Math.min(barWidth - 1, Math.floor(row.offsetMillis * scale));
      const length = Math.max(1, Math.round(row.durationMillis * scale));
      const bar = ' '.repeat(from) + '■'.repeat(Math.min(length, barWidth - from));
      const kind = SPAN_KIND_NAMES[row.span.kind] ?? String(row.span.kind);
      const status = row.span.statusCode === 2 ? '  ERROR' : '';
      const orphan = row.orphan ? `  (parent ${row.span.parentSpanId} missing)` : '';
      const attributes = (options.attributes ?? [])
        .filter((key) => row.span.attributes[key] !== undefined)
        .map((key) => ` ${key}=${String(row.span.attributes[key])}`)
        .join('');
      return `${labels[index]!.padEnd(labelWidth)}  ${kind.padEnd(8)} ${String(row.durationMillis).padStart(6)} ms  |${bar.padEnd(barWidth)}|${status}${orphan}${attributes}`;
    })
    .join('\n');
}
