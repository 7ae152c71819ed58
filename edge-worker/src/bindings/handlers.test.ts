import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createEdgeTracing } from '../tracing/edgeTracing.js';
import {
  ALARM_CONTEXT_STORAGE_KEY,
  RPC_CONTEXT_FIELD,
  setTracedAlarm,
  traceDurableObject,
  traceEntrypoint,
  traceScheduled,
  traceService,
  traceSql,
} from './index.js';

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const spans = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  const inRequest = async <T>(fn: () => Promise<T>, baggage: Record<string, string> = {}) => {
    const server = tracing.tracer.startSpan('GET /', { kind: SpanKind.SERVER });
    const entries = Object.fromEntries(Object.entries(baggage).map(([key, value]) => [key, { value }]));
    try {
      return await context.with(propagation.setBaggage(trace.setSpan(context.active(), server), propagation.createBaggage(entries)), fn);
    } finally {
      server.end();
    }
  };
  const waited: Promise<unknown>[] = [];
  const ctx = { waitUntil: (promise: Promise<unknown>) => void waited.push(promise) };
  return { tracing, spans, inRequest, ctx, waited };
}

/** A storage in memory with one alarm, as a Durable Object's. */
function memoryStorage() {
  const values = new Map<string, unknown>();
  let alarm: number | undefined;
  return {
    values,
    alarm: () => alarm,
    get: async (key: string) => structuredClone(values.get(key)),
    put: async (key: string, value: unknown) => void values.set(key, structuredClone(value)),
    delete: async (key: string) => values.delete(key),
    setAlarm: async (time: number | Date) => {
      alarm = Number(time);
    },
  };
}

describe('RPC across a service binding or a Durable Object stub', () => {
  it('the caller CLIENT span is the parent of the entrypoint SERVER span; the method sees its own arguments; allowed baggage only', async () => {
    const { tracing, spans, inRequest, ctx, waited } = setup();
    class Recommendations {
      constructor(
        readonly ctx: { waitUntil(p: Promise<unknown>): void },
        readonly env: object,
      ) {}
      async forCart(size: number, ...rest: unknown[]) {
        return {
          size,
          rest: rest.length,
          tier: propagation.getBaggage(context.active())?.getEntry('user.tier')?.value,
          note: propagation.getBaggage(context.active())?.getEntry('internal.note'),
        };
      }
    }
    const Traced = traceEntrypoint(Recommendations, { tracing: () => tracing });
    const entrypoint = new Traced(ctx, {});
    // The runtime's stub structured-clones the arguments and calls the entrypoint's method.
    const binding = { fetch: async () => new Response(), forCart: (...args: unknown[]) => entrypoint.forCart(...(structuredClone(args) as [number])) };
    const service = traceService(binding, 'RECOMMENDATIONS', { tracing, baggageKeys: ['user.tier'] });
    const answer = await inRequest(() => service.forCart(3), { 'user.tier': 'vip', 'internal.note': 'stay' });
    assert.deepEqual(answer, { size: 3, rest: 0, tier: 'vip', note: undefined });
    assert.ok(waited.length > 0, 'the entrypoint flushes in waitUntil');
    const finished = await spans();
    const client = finished.find((span) => span.kind === SpanKind.CLIENT)!;
    const server = finished.find((span) => span.name === 'Recommendations/forCart')!;
    assert.equal(client.name, 'RECOMMENDATIONS/forCart');
    assert.deepEqual(
      [client.attributes['rpc.system'], client.attributes['rpc.service'], client.attributes['rpc.method']],
      ['cloudflare_workers_rpc', 'RECOMMENDATIONS', 'forCart'],
    );
    assert.equal(server.attributes['user.tier'], 'vip', 'the allowed key crossed');
    assert.equal(server.attributes['internal.note'], undefined);
    assert.equal(server.kind, SpanKind.SERVER);
    assert.equal(server.parentSpanContext?.spanId, client.spanContext().spanId);
    assert.equal(server.spanContext().traceId, client.spanContext().traceId);
  });

  it('an error in the method is recorded on both sides and reaches the caller unchanged', async () => {
    const { tracing, spans, ctx } = setup();
    class Failing {
      constructor(
        readonly ctx: object,
        readonly env: object,
      ) {}
      async boom(): Promise<void> {
        throw new RangeError('out of stock');
      }
    }
    const entrypoint = new (traceEntrypoint(Failing, { tracing: () => tracing }))(ctx, {});
    const stub = traceStub(entrypoint);
    await assert.rejects(stub.boom(), RangeError);
    const finished = await spans();
    assert.deepEqual(
      finished.map((span) => [span.name, span.status.code]),
      [
        ['Failing/boom', SpanStatusCode.ERROR],
        ['S/boom', SpanStatusCode.ERROR],
      ],
    );
    function traceStub<T extends object>(target: T) {
      return traceService(Object.assign(target, { fetch: async () => new Response() }), 'S', { tracing });
    }
  });

  it('a call without a context (the class calling its own helper, an untraced caller) runs untouched; a last argument of another shape is passed through', async () => {
    const { tracing, spans, ctx } = setup();
    class Echo {
      constructor(
        readonly ctx: object,
        readonly env: object,
      ) {}
      helper(value: string) {
        return value.toUpperCase();
      }
      async echo(...args: unknown[]) {
        return [this.helper('x'), ...args];
      }
    }
    const entrypoint = new (traceEntrypoint(Echo, { tracing: () => tracing }))(ctx, {});
    const odd = { [RPC_CONTEXT_FIELD]: { traceparent: 42 } };
    assert.deepEqual(await entrypoint.echo('a', odd), ['X', 'a', odd]);
    assert.equal(entrypoint.helper('y'), 'Y', 'a synchronous helper stays synchronous');
    assert.deepEqual(await spans(), []);
  });

  it('Durable Object stubs from get and getByName are traced; ids pass through', async () => {
    const { tracing, spans, inRequest } = setup();
    const calls: unknown[][] = [];
    const namespace = {
      idFromName: (name: string) => ({ name }),
      get: (_id: { name: string }) => ({ fetch: async () => new Response(), add: async (...args: unknown[]) => void calls.push(args) }),
      getByName: (_name: string) => ({ fetch: async () => new Response(), add: async (...args: unknown[]) => void calls.push(args) }),
    };
    const carts = traceDurableObject(namespace, 'CARTS', { tracing });
    await inRequest(async () => {
      await carts.get(carts.idFromName('ann')).add('socks');
      await carts.getByName('ann').add('hat');
    });
    assert.deepEqual(
      calls.map((args) => args[0]),
      ['socks', 'hat'],
    );
    assert.match(String((calls[0]![1] as Record<string, Record<string, string>>)[RPC_CONTEXT_FIELD]!.traceparent), /^00-/);
    assert.deepEqual(
      (await spans()).filter((span) => span.kind === SpanKind.CLIENT).map((span) => span.name),
      ['CARTS/add', 'CARTS/add'],
    );
  });
});

describe('Durable Object alarms and SQL storage', () => {
  it('alarm() runs in the trace of the request that set it, linked to it; the stored context goes once the alarm succeeds', async () => {
    const { tracing, spans, inRequest, ctx } = setup();
    const storage = memoryStorage();
    const ran: string[] = [];
    class Cart {
      constructor(
        readonly ctx: { storage: ReturnType<typeof memoryStorage>; waitUntil(p: Promise<unknown>): void },
        readonly env: object,
      ) {}
      async remind() {
        await setTracedAlarm(this.ctx.storage, 1000, { tracing });
      }
      async alarm() {
        ran.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
      }
    }
    const object = new (traceEntrypoint(Cart, { tracing: () => tracing }))({ ...ctx, storage }, {});
    await inRequest(() => object.remind());
    assert.equal(storage.alarm(), 1000);
    await object.alarm();
    assert.equal(storage.values.has(ALARM_CONTEXT_STORAGE_KEY), false);
    const finished = await spans();
    const request = finished.find((span) => span.name === 'GET /')!;
    const alarm = finished.find((span) => span.name === 'alarm Cart')!;
    assert.equal(alarm.spanContext().traceId, request.spanContext().traceId);
    assert.equal(alarm.parentSpanContext?.spanId, request.spanContext().spanId);
    assert.equal(alarm.links[0]?.context.spanId, request.spanContext().spanId);
    assert.equal(alarm.attributes['faas.trigger'], 'timer');
    assert.deepEqual(ran, [request.spanContext().traceId]);
  });

  it('SQL exec is a synchronous CLIENT span with sanitized text; a failing statement is recorded and rethrown', async () => {
    const { tracing, spans } = setup();
    const sql = traceSql(
      {
        exec: (query: string, ..._bindings: unknown[]) => {
          if (query.startsWith('BAD')) throw new Error('SQLITE_ERROR');
          return { toArray: () => [{ n: 1 }] };
        },
        databaseSize: 4096,
      },
      'Cart',
      { tracing },
    );
    assert.deepEqual(sql.exec("SELECT n FROM items WHERE owner = 'ann'", 'ignored').toArray(), [{ n: 1 }]);
    assert.throws(() => sql.exec('BAD'), /SQLITE_ERROR/);
    assert.equal(sql.databaseSize, 4096);
    const [select, bad] = await spans();
    assert.equal(select!.name, 'SELECT Cart');
    assert.deepEqual(select!.attributes, {
      'db.system.name': 'sqlite',
      'db.namespace': 'Cart',
      'db.operation.name': 'SELECT',
      'db.query.text': 'SELECT n FROM items WHERE owner = ?',
    });
    assert.equal(bad!.status.code, SpanStatusCode.ERROR);
  });
});

describe('traceScheduled', () => {
  it('a cron trigger starts a trace of its own with the FaaS timer attributes and flushes in waitUntil', async () => {
    const { tracing, spans, ctx, waited } = setup();
    let active: string | undefined;
    const scheduled = traceScheduled(
      async () => {
        active = trace.getActiveSpan()?.spanContext().spanId;
      },
      { tracing: () => tracing },
    );
    await scheduled({ cron: '*/5 * * * *', scheduledTime: Date.UTC(2026, 11, 7, 20, 0) }, {}, ctx);
    assert.ok(waited.length > 0);
    const [span] = await spans();
    assert.equal(span!.name, 'cron */5 * * * *');
    assert.equal(span!.parentSpanContext, undefined);
    assert.equal(span!.spanContext().spanId, active);
    assert.deepEqual(span!.attributes, { 'faas.trigger': 'timer', 'faas.cron': '*/5 * * * *', 'faas.time': '2026-12-07T20:00:00.000Z' });
  });
});
