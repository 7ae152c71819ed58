import { openDatabase, type TracedDatabase } from '../shared/sqlite.js';

export type OrderStatus = 'reserved' | 'paid' | 'failed';

/** The checkout's orders, in SQLite; every query is a traced CLIENT span. */
export class OrderStore {
  private readonly _db: TracedDatabase;

  constructor(path: string) {
    this._db = openDatabase(path);
    this._db.run(
      'CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, sku TEXT NOT NULL, quantity INTEGER NOT NULL, amount_cents INTEGER NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL)',
    );
  }

  add(order: { id: string; sku: string; quantity: number; amountCents: number }): void {
    this._db.run(
      'INSERT INTO orders (id, sku, quantity, amount_cents, status, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      order.id,
      order.sku,
      order.quantity,
      order.amountCents,
      'reserved',
      new Date().toISOString(),
    );
  }

  setStatus(id: string, status: OrderStatus): void {
    this._db.run('UPDATE orders SET status = ? WHERE id = ?', status, id);
  }

  status(id: string): OrderStatus | undefined {
    return this._db.get<{ status: OrderStatus }>('SELECT status FROM orders WHERE id = ?', id)?.status;
  }

  close(): void {
    this._db.close();
  }
}
