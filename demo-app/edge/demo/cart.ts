/**
 * The demo shop's cart: one Durable Object per session (class `Cart`, binding `CARTS`, SQLite
 * storage). `POST /items {sku}` adds one of that item and answers the cart's lines. The object
 * answers with its own Hono app under `trace()`, so a call from the edge through
 * `traceDurableObject` continues the journey in a SERVER span here, and its SQL calls are
 * database spans under it (`traceSql`). Its spans say `service.name=cart`: the object is a
 * service of its own (with its own baggage: the session only), though it ships in the edge's Worker.
 */
import { Hono, type ExecutionContext } from 'hono';
import { trace, type TraceBindings, type TraceVariables } from '@journeytrace/edge';
import { traceSql, type SqlStorageLike } from '@journeytrace/edge/bindings';
import { tracingFromEnv } from '@journeytrace/edge';

/** One line of a cart. */
export interface CartLine {
  sku: string;
  quantity: number;
}

/** A Durable Object's SQL storage as the cart uses it. */
interface CartSql extends SqlStorageLike {
  exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] };
}

/** What the runtime hands a Durable Object (`DurableObjectState`), as far as the cart needs it. */
export interface CartState {
  storage: { sql: CartSql };
  waitUntil(promise: Promise<unknown>): void;
}

/** The SKUs the shop sells are short lowercase slugs; anything else is refused before storage sees it. */
const SKU = /^[a-z0-9-]{1,64}$/;

/** The cart's `service.name`. */
export const CART_SERVICE_NAME = 'cart';

export class Cart {
  private readonly app: Hono<{ Bindings: TraceBindings; Variables: TraceVariables }>;

  constructor(
    private readonly state: CartState,
    private readonly env: TraceBindings,
  ) {
    // The schema, once per object and outside any request: untraced (a span here would start a trace of its own).
    state.storage.sql.exec('CREATE TABLE IF NOT EXISTS items (sku TEXT PRIMARY KEY, quantity INTEGER NOT NULL)');
    const tracing = tracingFromEnv(env, 'edge-worker', { serviceName: CART_SERVICE_NAME });
    const sql = traceSql(state.storage.sql, 'Cart', { tracing });
    this.app = new Hono<{ Bindings: TraceBindings; Variables: TraceVariables }>().use(trace({ tracing })).post('/items', async (c) => {
      const body = (await c.req.json().catch(() => null)) as { sku?: unknown } | null;
      const sku = body?.sku;
      if (typeof sku !== 'string' || !SKU.test(sku)) return c.json({ error: 'sku must be 1-64 characters of a-z 0-9 -' }, 400);
      sql.exec('INSERT INTO items (sku, quantity) VALUES (?, 1) ON CONFLICT (sku) DO UPDATE SET quantity = quantity + 1', sku);
      const lines = sql.exec('SELECT sku, quantity FROM items ORDER BY sku').toArray() as unknown as CartLine[];
      return c.json({ lines });
    });
  }

  fetch(request: Request): Promise<Response> | Response {
    // A Durable Object's state has `waitUntil`, all `trace()` needs of an ExecutionContext (to flush).
    return this.app.fetch(request, this.env, this.state as unknown as ExecutionContext);
  }
}
