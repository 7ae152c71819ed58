/** What CLS needs of a `layout-shift` performance entry. */
export interface LayoutShiftLike {
  readonly value: number;
  readonly startTime: number;
  readonly hadRecentInput: boolean;
}

/** Shifts less than this apart belong to one session window. */
export const SESSION_GAP_MILLIS = 1000;
/** A session window spans at most this long. */
export const SESSION_MAX_MILLIS = 5000;

/** Layout shifts in, CLS out. */
export interface LayoutShiftWindows {
  add(entry: LayoutShiftLike): void;
  /** The largest window so far (0 before any shift). */
  readonly value: number;
}

/**
 * Cumulative Layout Shift: the largest session window of shifts not caused by recent input,
 * where a window closes after a 1 s gap or 5 s in all.
 * @see https://web.dev/articles/cls#what-is-cls and https://web.dev/articles/evolving-cls
 */
export function layoutShiftWindows(): LayoutShiftWindows {
  let windowValue = 0;
  let first: LayoutShiftLike | undefined;
  let last: LayoutShiftLike | undefined;
  let max = 0;
  return {
    get value() {
      return max;
    },
    add(entry) {
      if (entry.hadRecentInput) return;
      if (first && last && entry.startTime - last.startTime < SESSION_GAP_MILLIS && entry.startTime - first.startTime < SESSION_MAX_MILLIS)
        windowValue += entry.value;
      else {
        windowValue = entry.value;
        first = entry;
      }
      last = entry;
      max = Math.max(max, windowValue);
    },
  };
}
