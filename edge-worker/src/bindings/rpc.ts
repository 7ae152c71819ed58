import type { Attributes } from '@opentelemetry/api';
import { recordSetter } from '../fetch/headersCarrier.js';
import { SPAN_KIND, traceApi } from '../tracer/api.js';
import { activeContext } from '../context/activeContext.js';
import type { EdgeTracing } from '../tracing/edgeTracing.js';
import { markError } from '../queue/tracedQueue.js';

/**
 * RPC semantic conventions (incubating: copied). Workers RPC has no registered `rpc.system`
 * value, so it gets one of its own.
 * @see https://opentelemetry.io/docs/specs/semconv/rpc/rpc-spans/
 */
export const ATTR_RPC_SYSTEM = 'rpc.system';
export const ATTR_RPC_SERVICE = 'rpc.service';
export const ATTR_RPC_METHOD = 'rpc.method';
export const RPC_SYSTEM_VALUE_CLOUDFLARE_WORKERS = 'cloudflare_workers_rpc';

/**
 * Workers RPC carries arguments only, no headers: the trace context travels as one extra last
 * argument, `{ [RPC_CONTEXT_FIELD]: { traceparent, tracestate?, baggage? } }`, which
 * `traceEntrypoint` takes off before the method sees its arguments.
 */
export const RPC_CONTEXT_FIELD = 'journeytrace.context';

export type RpcContextArgument = { [RPC_CONTEXT_FIELD]: Record<string, string> };

/** The trace headers carried by an RPC call's last argument, and the arguments without it. */
export function takeRpcContext(args: readonly unknown[]): { args: unknown[]; headers: Record<string, string> | undefined } {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && Object.keys(last).length === 1 && RPC_CONTEXT_FIELD in last) {
    const headers = (last as RpcContextArgument)[RPC_CONTEXT_FIELD];
    if (typeof headers === 'object' && headers !== null && Object.values(headers).every((value) => typeof value === 'string')) {
      return { args: args.slice(0, -1), headers };
    }
  }
  return { args: [...args], headers: undefined };
}

/**
 * Calls one RPC method in a CLIENT span `<service>/<method>`, passing the span's context as the
 * last argument when `propagate` is on.
 */
export async function callRpc(
  tracing: EdgeTracing,
  service: string,
  method: string,
  original: (...args: never[]) => unknown,
  args: unknown[],
  propagate: boolean,
): Promise<unknown> {
  const parent = activeContext();
  const attributes: Attributes = { [ATTR_RPC_SYSTEM]: RPC_SYSTEM_VALUE_CLOUDFLARE_WORKERS, [ATTR_RPC_SERVICE]: service, [ATTR_RPC_METHOD]: method };
  const span = tracing.tracer.startSpan(`${service}/${method}`, { kind: SPAN_KIND.CLIENT, attributes }, parent);
  let sent = args;
  if (propagate) {
    const headers: Record<string, string> = {};
    tracing.propagator.inject(traceApi.setSpan(parent, span), headers, recordSetter);
    sent = [...args, { [RPC_CONTEXT_FIELD]: headers } satisfies RpcContextArgument];
  }
  try {
    return await original(...(sent as never[]));
  } catch (error) {
    markError(span, error);
    throw error;
  } finally {
    span.end();
  }
}
