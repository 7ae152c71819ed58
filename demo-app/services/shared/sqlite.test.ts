import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { trace } from '@opentelemetry/api';
import { describeQuery, openDatabase, sanitizeQuery } from './sqlite.js';

describe('sanitizeQuery', () => {
  it('replaces string and number literals', () => {
    assert.equal(sanitizeQuery("SELECT * FROM orders WHERE id = 'ord_1' AND qty > 2.5"), 'SELECT * FROM orders WHERE id = ? AND qty > ?');
    assert.equal(sanitizeQuery("INSERT INTO t (a) VALUES ('it''s', 42)"), 'INSERT INTO t (a) VALUES (?, ?)');
    assert.equal(sanitizeQuery('UPDATE orders SET status = ? WHERE id = ?'), 'UPDATE orders SET status = ? WHERE id = ?');
  });
});

describe('describeQuery', () => {
  it('names the operation and the table', () => {
    assert.deepEqual(describeQuery('insert into orders (id) values (?)'), { operation: 'INSERT', collection: 'orders' });
    assert.deepEqual(describeQuery('SELECT status FROM orders WHERE id = ?'), { operation: 'SELECT', collection: 'orders' });
    assert.deepEqual(describeQuery('UPDATE orders SET status = ?'), { operation: 'UPDATE', collection: 'orders' });
    assert.deepEqual(describeQuery('CREATE TABLE IF NOT EXISTS orders (id TEXT)'), { operation: 'CREATE', collection: 'orders' });
  });
});

describe('openDatabase', () => {
  it('traces each query as a CLIENT span with the database conventions and no values', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
    trace.setGlobalTracerProvider(provider);
    const db = openDatabase(':memory:');
    db.run('CREATE TABLE orders (id TEXT PRIMARY KEY, status TEXT)');
    db.run('INSERT INTO orders (id, status) VALUES (?, ?)', 'ord_secret', 'paid');
    // node:sqlite rows have a null prototype; compare the fields.
    assert.deepEqual({ ...db.get<{ status: string }>('SELECT status FROM orders WHERE id = ?', 'ord_secret') }, { status: 'paid' });
    assert.throws(() => db.run('INSERT INTO missing VALUES (?)', 1));
    db.close();
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(
      spans.map((span) => span.name),
      ['CREATE orders', 'INSERT orders', 'SELECT orders', 'INSERT missing'],
    );
    const insert = spans[1]!;
    assert.equal(insert.kind, SpanKind.CLIENT);
    assert.deepEqual(insert.attributes, {
      'db.system.name': 'sqlite',
      'db.operation.name': 'INSERT',
      'db.collection.name': 'orders',
      'db.query.text': 'INSERT INTO orders (id, status) VALUES (?, ?)',
    });
    assert.ok(!JSON.stringify(spans.map((span) => span.attributes)).includes('ord_secret'));
    assert.equal(spans[3]!.status.code, 2);
    trace.disable();
  });
});
