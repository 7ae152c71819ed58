/** One benchmark topic: a table of figures, each against an anchor measured in the same run. */
export interface BenchSection {
  title: string;
  /** How to reproduce just this section. */
  command: string;
  /** Versions of what was measured and of the anchors. */
  versions: string;
  rows: BenchRow[];
  /** The row BENCHMARKS.md leads this area with (index into `rows`); the first unless given. */
  headline?: number;
  notes?: string[];
}

export interface BenchRow {
  figure: string;
  /** Median of the repeated runs, in `unit`. */
  value: number;
  min?: number;
  max?: number;
  unit: string;
  anchor: string;
  anchorValue: number;
  /** Target for value / anchorValue, if the topic has one (e.g. "< 1"). */
  target?: string;
}

/** Median, min and max of repeated measurements. */
export function summarize(samples: readonly number[]): { median: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}
