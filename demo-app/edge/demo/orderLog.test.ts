import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createEdgeTracing } from '@journeytrace/edge';
import { traceD1 } from '@journeytrace/edge/bindings';
import { ATTR_ORDER_ID, CONFIRM_BATCH_SIZE, confirmOpenOrders, ensureOrderLog, logOrder, type OrderLogDatabase } from './orderLog.js';

interface Row {
  order_id: string;
  total_cents: number | null;
  placed_at: string;
  trace_context: string | null;
  confirmed_at: string | null;
}

/** A D1 database in memory that understands the order log's statements (and fails where told). */
function memoryOrderLog(options: { failUpdateOf?: string; failSchemaOnce?: boolean } = {}) {
  const rows: Row[] = [];
  let schemaCalls = 0;
  let failSchema = options.failSchemaOnce ?? false;
  const statement = (query: string, values: unknown[] = []) => ({
    bind: (...bound: unknown[]) => statement(query, bound),
    first: async () => null,
    raw: async () => [],
    all: async () => {
      const open = rows.filter((row) => row.confirmed_at === null).slice(0, values[0] as number);
      return { results: open.map((row) => ({ order_id: row.order_id, trace_context: row.trace_context })) };
    },
    run: async () => {
      if (query.startsWith('INSERT')) {
        const [order_id, total_cents, placed_at, trace_context] = values as [string, number | null, string, string];
        rows.push({ order_id, total_cents, placed_at, trace_context, confirmed_at: null });
      } else if (query.startsWith('UPDATE')) {
        const [confirmedAt, orderId] = values as [string, string];
        if (orderId === options.failUpdateOf) throw new Error('D1_ERROR: database is locked');
        for (const row of rows) if (row.order_id === orderId) row.confirmed_at = confirmedAt;
      }
      return { success: true, meta: {} };
    },
  });
  const database = {
    prepare: (query: string) => statement(query),
    batch: async () => [],
    exec: async () => {
      schemaCalls += 1;
      if (failSchema) {
        failSchema = false;
        throw new Error('D1_ERROR: busy');
      }
      return { count: 1 };
    },
  };
  return { database: database as unknown as OrderLogDatabase, rows, schemaCalls: () => schemaCalls };
}

function setup(options?: Parameters<typeof memoryOrderLog>[0]) {
  const exporter = new InMemorySpanExporter();
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const log = memoryOrderLog(options);
  const traced = traceD1(log.database, 'ORDER_LOG', { tracing });
  const spans = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  /** Places `orderId` inside a checkout's SERVER span, as the edge does. */
  const place = async (orderId: string) => {
    const server = tracing.tracer.startSpan('POST /api/checkout', { kind: SpanKind.SERVER });
    const baggage = propagation.createBaggage({ 'session.id': { value: 's-1' }, 'user.tier': { value: 'vip' }, 'ab.variant': { value: 'b' } });
    const inRequest = propagation.setBaggage(trace.setSpan(context.active(), server), baggage);
    await context.with(inRequest, () => logOrder(traced, log.database, { orderId, totalCents: 1890 }, tracing));
    server.end();
    return server.spanContext();
  };
  return { tracing, log, traced, spans, place };
}

describe('the order log', () => {
  it('records the order with its journey context, session and tier (no other baggage); the cron confirms it in that journey', async () => {
    const { tracing, log, traced, spans, place } = setup();
    const checkout = await place('ord_1');
    assert.deepEqual(String(JSON.parse(log.rows[0]!.trace_context!).baggage).split(',').sort(), ['session.id=s-1', 'user.tier=vip']);
    const cron = tracing.tracer.startSpan('cron * * * * *', { kind: SpanKind.SERVER });
    const confirmed = await context.with(trace.setSpan(context.active(), cron), () => confirmOpenOrders(traced, log.database, tracing));
    cron.end();
    assert.equal(confirmed, 1);
    assert.notEqual(log.rows[0]!.confirmed_at, null);
    const confirm = (await spans()).find((span) => span.name === 'confirm order')!;
    assert.equal(confirm.spanContext().traceId, checkout.traceId);
    assert.equal(confirm.parentSpanContext?.spanId, checkout.spanId);
    assert.equal(confirm.attributes[ATTR_ORDER_ID], 'ord_1');
    assert.equal(confirm.attributes['session.id'], 's-1');
    assert.equal(confirm.attributes['user.tier'], 'vip');
    assert.deepEqual(
      confirm.links.map((link) => link.context.spanId),
      [cron.spanContext().spanId],
    );
  });

  it('confirms at most one batch per run; an order that fails stays open and the others go on', async () => {
    const { tracing, log, traced, place } = setup({ failUpdateOf: 'ord_1' });
    for (let index = 0; index < CONFIRM_BATCH_SIZE + 5; index += 1) await place(`ord_${index}`);
    assert.equal(await confirmOpenOrders(traced, log.database, tracing), CONFIRM_BATCH_SIZE - 1);
    assert.deepEqual(
      log.rows.filter((row) => row.confirmed_at === null).map((row) => row.order_id),
      ['ord_1', ...Array.from({ length: 5 }, (_, index) => `ord_${CONFIRM_BATCH_SIZE + index}`)],
    );
  });

  it('creates the table once per binding, and tries again after a failure', async () => {
    const { database, schemaCalls } = memoryOrderLog({ failSchemaOnce: true });
    await assert.rejects(ensureOrderLog(database), /busy/);
    await ensureOrderLog(database);
    await ensureOrderLog(database);
    assert.equal(schemaCalls(), 2);
  });
});
