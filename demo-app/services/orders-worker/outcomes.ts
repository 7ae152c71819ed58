/**
 * The orders worker's outcome board: checkout-api waits here for the payment outcome of the
 * order it placed (a long poll), the worker posts it once the order is handled. Bounded, so a
 * long-running demo never grows without end; control traffic, not a hop of the journey.
 */
export const MAX_OUTCOMES = 10_000;
/** The longest a reader may wait. */
export const MAX_WAIT_MILLIS = 30_000;

type Waiter = (value: unknown) => void;

export class OrderOutcomes {
  private readonly _outcomes = new Map<string, unknown>();
  private readonly _waiters = new Map<string, Set<Waiter>>();

  /** Records `orderId`'s outcome and hands it to everyone waiting; the oldest is forgotten past MAX_OUTCOMES. */
  post(orderId: string, outcome: unknown): void {
    for (const waiter of this._waiters.get(orderId) ?? []) waiter(outcome);
    this._waiters.delete(orderId);
    if (this._outcomes.size >= MAX_OUTCOMES) this._outcomes.delete(this._outcomes.keys().next().value!);
    this._outcomes.set(orderId, outcome);
  }

  /** The outcome of `orderId`, waiting up to `waitMillis` (at most MAX_WAIT_MILLIS) for it; `undefined` when none came. */
  wait(orderId: string, waitMillis: number): Promise<unknown> {
    if (this._outcomes.has(orderId)) return Promise.resolve(this._outcomes.get(orderId));
    const millis = Math.min(Math.max(0, waitMillis || 0), MAX_WAIT_MILLIS);
    return new Promise((resolve) => {
      const waiters = this._waiters.get(orderId) ?? new Set<Waiter>();
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        if (waiters.size === 0) this._waiters.delete(orderId);
        resolve(undefined);
      }, millis);
      const waiter: Waiter = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
      waiters.add(waiter);
      this._waiters.set(orderId, waiters);
    });
  }
}
