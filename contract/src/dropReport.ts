/** One report of spans given up on since the previous report: every runtime reports drops in this shape. */
export interface DropReport {
  /** Spans dropped since the previous report. */
  droppedSpans: number;
  /** Spans dropped since the exporter or processor was made. */
  droppedSpansTotal: number;
  /** Why, for the last of them. */
  reason: string;
}

/** At most one report per this long: a full queue drops on every span. */
export const DROP_REPORT_INTERVAL_MILLIS = 1000;

/** The one line a drop report is written as (through `diag.warn`), the same in every runtime. */
export function formatDropReport(report: DropReport): string {
  return `journeytrace: dropped ${report.droppedSpans} spans (${report.reason}); ${report.droppedSpansTotal} dropped so far`;
}
