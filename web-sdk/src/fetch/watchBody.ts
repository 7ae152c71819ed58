/**
 * How a response body's life ended: `read` to its end (by a body method or a reader), `cancelled`
 * by the app, `error` (abort or network failure while reading), `unread` (never touched within the
 * time allowed), `none` (no body: HEAD, 204, 304), `pending` (still open when the page went away).
 */
export type BodyOutcome = 'read' | 'cancelled' | 'error' | 'unread' | 'none' | 'pending';

/** The watch kept for one response: whether the app began reading, and what to call once at the end. */
export interface BodyWatch {
  /** Set once the app calls a body method or pulls from `body`. */
  started: boolean;
  /** Called once at most, when the body's life ends; later calls must be ignored by the callee. */
  readonly end: (outcome: BodyOutcome, error?: unknown) => void;
  /** The `body` the app sees, made on first access. */
  stream?: ReadableStream<Uint8Array> | null;
}

const BODY_METHODS = ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'] as const;

const watches = new WeakMap<object, BodyWatch>();
let watchedPrototype: object | undefined;

/**
 * Lets `response` report the end of its body's life through `watch.end` without reading it: no
 * clone, no second read. The response keeps its identity (`instanceof Response`, the same object
 * the app gets) and only its prototype changes, to one whose body methods and `body` getter call
 * the native ones and note when they settle. Reading through `body` goes through a pull-driven
 * byte stream that forwards each native chunk as it is asked for (no buffering, chunks as the
 * network cut them, BYOB readers still work) and passes `cancel` straight through, so the
 * connection is released as without the SDK.
 *
 * Unlike @opentelemetry/instrumentation-fetch, which reads a clone of every response to its end
 * (two buffers per body, re-cut chunks for a slow reader, and open-telemetry/opentelemetry-js
 * #4888, #4093, #5894), nothing here reads what the app does not.
 */
export function watchBody(response: Response, watch: BodyWatch): Response {
  watches.set(response, watch);
  watchedPrototype ??= makeWatchedPrototype();
  Object.setPrototypeOf(response, watchedPrototype);
  return response;
}

function makeWatchedPrototype(): object {
  const base = Response.prototype as unknown as Record<string, unknown>;
  const prototype = Object.create(base) as Record<string, unknown>;
  for (const name of BODY_METHODS) {
    // `bytes` is recent (Chromium 132): watch only what this browser has.
    if (typeof base[name] !== 'function') continue;
    prototype[name] = {
      [name](this: Response) {
        // Looked up at each call, so a library that wraps Response.prototype later still runs.
        const result = (base[name] as () => Promise<unknown>).call(this);
        const watch = watches.get(this);
        if (!watch) return result;
        watch.started = true;
        return result.then(
          (value) => {
            watch.end('read');
            return value;
          },
          (error: unknown) => {
            watch.end('error', error);
            throw error;
          },
        );
      },
    }[name];
  }
  prototype.clone = function clone(this: Response) {
    const copy = (base.clone as () => Response).call(this);
    const watch = watches.get(this);
    // Whichever of the two the app reads first ends the span: a copy read for a cache counts too.
    return watch ? watchBody(copy, { started: false, end: watch.end }) : copy;
  };
  const nativeBody = Object.getOwnPropertyDescriptor(Response.prototype, 'body')?.get;
  // A Response without a `body` getter (no streams) has nothing to watch there.
  if (nativeBody)
    Object.defineProperty(prototype, 'body', {
      configurable: true,
      enumerable: true,
      get(this: Response) {
        const body = nativeBody.call(this) as ReadableStream<Uint8Array> | null;
        const watch = watches.get(this);
        if (!watch || !body) return body;
        watch.stream ??= watchedStream(body, watch);
        return watch.stream;
      },
    });
  return prototype;
}

/**
 * A byte stream over `source` that pulls one native chunk per read the app makes (high-water mark
 * 0: nothing is read ahead) and reports done, error and cancel to `watch`. The source's reader is
 * taken at the first pull, so merely looking at `response.body` does not lock the response
 * (`response.json()` still works after it).
 */
function watchedStream(source: ReadableStream<Uint8Array>, watch: BodyWatch): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream(
    {
      type: 'bytes',
      async pull(controller: ReadableByteStreamController) {
        watch.started = true;
        reader ??= source.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) {
              controller.close();
              // A pending BYOB read is answered by close() only once its request is responded to.
              controller.byobRequest?.respond(0);
              watch.end('read');
              return;
            }
            // A byte stream refuses empty chunks; the native stream may still hand one over.
            if (value.byteLength > 0) return controller.enqueue(value as Uint8Array<ArrayBuffer>);
          }
        } catch (error) {
          watch.end('error', error);
          controller.error(error);
        }
      },
      cancel(reason: unknown) {
        watch.end('cancelled');
        return reader ? reader.cancel(reason) : source.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
