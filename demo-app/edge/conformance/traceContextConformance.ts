import type { Context } from 'hono';
import type { TraceVariables } from '@journeytrace/edge';
import { isLoopbackUrl } from '../net/isLoopbackUrl.js';

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
 * The call whose URL is not a loopback address (127.0.0.0/8, ::1, localhost), if any: the
 * harness runs beside the worker, and an endpoint that POSTs wherever it is told is an open relay.
 */
export function conformanceCallOffLoopback(calls: readonly ConformanceCall[]): ConformanceCall | undefined {
  return calls.find((call) => !isLoopbackUrl(new URL(call.url)));
}

/**
 * The service endpoint the W3C trace-context test suite drives: for each call, in order, POST
 * its arguments with the context extracted from this request, through `c.var.tracedFetch`
 * (one CLIENT span, so a new parent id, per call). It posts only to loopback addresses: a list
 * naming any other gets 403 and nothing is posted; a redirect is not followed. Mount it behind
 * `trace()` with a `propagateTo` that allows the harness (`isLoopbackUrl`), and only in test
 * configurations.
 *
 * @see https://github.com/w3c/trace-context/tree/main/test
 */
export async function traceContextConformance(c: Context<{ Variables: TraceVariables }>): Promise<Response> {
  const calls = parseConformanceCalls(await c.req.json().catch(() => undefined));
  if (typeof calls === 'string') return c.text(calls, 400);
  const offLoopback = conformanceCallOffLoopback(calls);
  if (offLoopback) return c.text(`this endpoint posts only to loopback addresses (127.0.0.0/8, ::1, localhost), not to ${offLoopback.url}`, 403);
  for (const call of calls) {
    try {
      const response = await c.var.tracedFetch(call.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(call.arguments),
        // A harness URL that redirects must not take the worker off loopback.
        redirect: 'manual',
      });
      await response.body?.cancel();
    } catch {
      // The harness judges what arrived; an unreachable callback is its finding, not ours.
    }
  }
  return c.body(null, 200);
}
