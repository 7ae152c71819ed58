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

/**
 * Cumulative Layout Shift: the largest session window of shifts not caused by recent input,
 * where a window closes after a 1 s gap or 5 s in all.
 * @see https://web.dev/articles/cls#what-is-cls and https://web.dev/articles/evolving-cls
 */
export class LayoutShiftWindows {
  private _windowValue = 0;
  private _first: LayoutShiftLike | undefined;
  private _last: LayoutShiftLike | undefined;
  private _max = 0;

  /** The largest window so far (0 before any shift). */
  get value(): number {
    return this._max;
  }

  add(entry: LayoutShiftLike): void {
    if (entry.hadRecentInput) return;
    const continues = this._first && this._last && entry.startTime - this._last.startTime < SESSION_GAP_MILLIS && entry.startTime - this._first.startTime < SESSION_MAX_MILLIS;
    if (continues) this._windowValue += entry.value;
    else {
      this._windowValue = entry.value;
      this._first = entry;
    }
    this._last = entry;
    this._max = Math.max(this._max, this._windowValue);
  }
}
