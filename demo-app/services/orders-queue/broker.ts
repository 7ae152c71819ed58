/**
 * An in-memory message broker for the demo: named queues with long-poll receive, and a
 * result board keyed by order id. It is transport, like Kafka or RabbitMQ would be: it makes
 * no spans and passes message headers (where producers put the trace context) through intact.
 */

export interface Message {
  id: string;
  headers: Record<string, string>;
  body: unknown;
  /** How many times the message was delivered (1 on first delivery). */
  attempts: number;
}

/** Bounds that keep a long-running demo from growing without end. */
export const MAX_QUEUE_LENGTH = 10_000;
export const MAX_RESULTS = 10_000;

type Waiter<T> = (value: T | undefined) => void;

export class Broker {
  private readonly _queues = new Map<string, Message[]>();
  private readonly _receivers = new Map<string, Waiter<Message>[]>();
  private readonly _results = new Map<string, unknown>();
  private readonly _resultWaiters = new Map<string, Waiter<unknown>[]>();
  private _nextId = 1;

  /** Enqueues a message; returns its id, or `undefined` when the queue is full. */
  publish(queue: string, headers: Record<string, string>, body: unknown): string | undefined {
    const message: Message = { id: `msg-${this._nextId++}`, headers, body, attempts: 0 };
    const receiver = this._receivers.get(queue)?.shift();
    if (receiver) {
      message.attempts = 1;
      receiver(message);
      return message.id;
    }
    const messages = this._queues.get(queue) ?? [];
    if (messages.length >= MAX_QUEUE_LENGTH) return undefined;
    messages.push(message);
    this._queues.set(queue, messages);
    return message.id;
  }

  /** The next message, waiting up to `waitMillis` for one. */
  receive(queue: string, waitMillis: number): Promise<Message | undefined> {
    const message = this._queues.get(queue)?.shift();
    if (message) {
      message.attempts += 1;
      return Promise.resolve(message);
    }
    return this._wait(this._receivers, queue, waitMillis);
  }

  /** Puts a message back for redelivery (a failed attempt). */
  requeue(queue: string, message: Message): void {
    const receiver = this._receivers.get(queue)?.shift();
    if (receiver) {
      message.attempts += 1;
      receiver(message);
      return;
    }
    const messages = this._queues.get(queue) ?? [];
    messages.unshift(message);
    this._queues.set(queue, messages);
  }

  postResult(key: string, result: unknown): void {
    const waiters = this._resultWaiters.get(key);
    if (waiters?.length) {
      this._resultWaiters.delete(key);
      for (const waiter of waiters) waiter(result);
    }
    if (this._results.size >= MAX_RESULTS) this._results.delete(this._results.keys().next().value!);
    this._results.set(key, result);
  }

  /** The result posted for `key`, waiting up to `waitMillis` for it. */
  awaitResult(key: string, waitMillis: number): Promise<unknown> {
    if (this._results.has(key)) return Promise.resolve(this._results.get(key));
    return this._wait(this._resultWaiters, key, waitMillis);
  }

  private _wait<T>(waiters: Map<string, Waiter<T>[]>, key: string, waitMillis: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      const list = waiters.get(key) ?? [];
      const waiter: Waiter<T> = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        const current = waiters.get(key);
        const index = current?.indexOf(waiter) ?? -1;
        if (current && index >= 0) current.splice(index, 1);
        resolve(undefined);
      }, waitMillis);
      list.push(waiter);
      waiters.set(key, list);
    });
  }
}
