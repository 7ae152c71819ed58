/** Bounded loopback load: a fixed number of requests, a fixed number in flight. */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

/** Runs `task` `count` times with at most `concurrency` running; resolves to the wall time in ms. */
export async function runBounded(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return performance.now() - started;
}

/** A keep-alive agent for `concurrency` connections; `destroy()` it when done. */
export function keepAliveAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency });
}

export interface JourneyRequest {
  /** The trace id of the sampled traceparent sent. */
  traceId: string;
  status: number;
}

/**
 * One `POST` of a checkout as the browser sends it: JSON body, a sampled traceparent with a
 * fresh trace id, and journey baggage. `scenario` is the demo's (`ok` by default; `slow` takes
 * 650 ms at the origin).
 */
export function postCheckout(agent: Agent, url: URL, baggage: string, scenario: 'ok' | 'slow' = 'ok'): Promise<JourneyRequest> {
  const CHECKOUT_BODY = JSON.stringify({ scenario });
  const traceId = randomBytes(16).toString('hex');
  const send = (retried: boolean): Promise<JourneyRequest> =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': CHECKOUT_BODY.length,
            traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
            baggage,
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ traceId, status: response.statusCode ?? 0 }));
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed while it sat idle (between rounds): the
        // request never reached the worker, so it is sent again once on a new connection.
        if (!retried && req.reusedSocket && error.code === 'ECONNRESET') resolve(send(true));
        else reject(error);
      });
      req.end(CHECKOUT_BODY);
    });
  return send(false);
}
