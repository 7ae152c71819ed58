import type { Context } from 'hono';
import type { TraceVariables } from '../middleware/trace/index.js';

/** One step of the W3C trace-context test harness: POST `arguments` as JSON to `url`. */
export interface ConformanceCall {
  url: string;
  arguments: unknown;
}

/** The harness sends a handful; more is not a test. */
export const CONFORMANCE_MAX_CALLS = 64;

/** Validates the harness's body; a string says why it is not a list of calls. */
export function parseConformanceCalls(body: unknown): ConformanceCall[] | string {
  if (!Array.isArray(body)) return 'the body must be a JSON list of {url, arguments}';
  if (body.length > CONFORMANCE_MAX_CALLS) return `at most ${CONFORMANCE_MAX_CALLS} calls`;
  const calls: ConformanceCall[] = [];
  for (const item of body as unknown[]) {
    const url = (item as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url) || !URL.canParse(url)) return 'every item needs an http(s) url';
    calls.push({ url, arguments: (item as { arguments?: unknown }).arguments ?? [] });
  }
  return calls;
}

/**
 * The service endpoint the W3C trace-context test suite drives: for each call, in order, POST
 * its arguments with the context extracted from this request, through `c.var.tracedFetch`
 * (one CLIENT span, so a new parent id, per call). Mount it behind `trace()` with a
 * `propagateTo` that allows the harness, and only in test configurations.
 *
 * @see https://github.com/w3c/trace-context/tree/main/test
 */
export async function traceContextConformance(c: Context<{ Variables: TraceVariables }>): Promise<Response> {
  const calls = parseConformanceCalls(await c.req.json().catch(() => undefined));
  if (typeof calls === 'string') return c.text(calls, 400);
  for (const call of calls) {
    try {
      const response = await c.var.tracedFetch(call.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(call.arguments),
      });
      await response.body?.cancel();
    } catch {
      // The harness judges what arrived; an unreachable callback is its finding, not ours.
    }
  }
  return c.body(null, 200);
}
