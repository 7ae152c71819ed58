/** Calls that are due after a fixed delay, all driven by one timer. */
export interface SharedDeadlines {
  /** Calls `due` once `delayMillis` (the queue's one delay) has passed, unless the queue is flushed or cleared first. */
  add(due: () => void): void;
  /** Calls every queued function now, in order. */
  flush(): void;
  /** Forgets every queued function and stops the timer. */
  clear(): void;
}

/**
 * A FIFO of calls that are all due `delayMillis` after they were added. Since every entry waits
 * the same delay, the queue stays sorted by deadline and one timer, armed for its head, serves
 * them all: no timer per fetch (a `setTimeout` per call costs as much as the rest of a span's
 * bookkeeping; see issue #30's profile).
 */
export function sharedDeadlines(delayMillis: number, now: () => number = () => performance.now()): SharedDeadlines {
  let queue: Array<{ at: number; due: () => void }> = [];
  let head = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const arm = () => {
    timer = undefined;
    const next = queue[head];
    if (next) timer = setTimeout(run, Math.max(0, next.at - now()));
  };
  const run = () => {
    const time = now();
    for (let next = queue[head]; next && next.at <= time; next = queue[head]) {
      head += 1;
      callSafely(next.due);
    }
    compact();
    arm();
  };
  // Drop the consumed prefix now and then, so the array does not grow for ever.
  const compact = () => {
    if (head > 0 && head * 2 >= queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
  };

  return {
    add(due) {
      queue.push({ at: now() + delayMillis, due });
      if (timer === undefined) arm();
    },
    flush() {
      const pending = queue.slice(head);
      queue = [];
      head = 0;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      for (const entry of pending) callSafely(entry.due);
    },
    clear() {
      queue = [];
      head = 0;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

function callSafely(fn: () => void): void {
  try {
    fn();
  } catch {
    // Telemetry never breaks the host: one failing call must not stop the others.
  }
}
