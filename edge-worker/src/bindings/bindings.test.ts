import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createEdgeTracing } from '../tracing/edgeTracing.js';
import { traceCache, traceD1, traceKV, traceR2, traceService, type TracedBindingsVariables } from './index.js';

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracing = createEdgeTracing({ serviceName: 'edge-test', exporter });
  const spans = async () => {
    await tracing.forceFlush();
    return exporter.getFinishedSpans();
  };
  /** Runs `fn` inside a SERVER span with baggage, as a request under `trace()` would. */
  const inRequest = async <T>(fn: () => Promise<T>, baggage: Record<string, string> = {}) => {
    const server = tracing.tracer.startSpan('GET /', { kind: SpanKind.SERVER });
    const entries = Object.fromEntries(Object.entries(baggage).map(([key, value]) => [key, { value }]));
    try {
      return await context.with(propagation.setBaggage(trace.setSpan(context.active(), server), propagation.createBaggage(entries)), fn);
    } finally {
      server.end();
    }
  };
  return { tracing, spans, inRequest };
}

/** A KV namespace in memory, shaped like the runtime's. */
function memoryKV() {
  const store = new Map<string, string>();
  return {
    store,
    async get(key: string) {
      return store.get(key) ?? null;
    },
    async getWithMetadata(key: string) {
      return { value: store.get(key) ?? null, metadata: null };
    },
    async put(key: string, value: string) {
      store.set(key, value);
    },
    async delete(key: string) {
      store.delete(key);
    },
    async list() {
      return { keys: [...store.keys()].map((name) => ({ name })), list_complete: true };
    },
    /** Not traced: passes through. */
    describe() {
      return `kv with ${this.store.size} keys`;
    },
  };
}

describe('traceKV', () => {
  it('one CLIENT span per operation under the active span, with db conventions, hit/miss, and no key or value', async () => {
    const { tracing, spans, inRequest } = setup();
    const kv = traceKV(memoryKV(), 'CART', { tracing });
    await inRequest(async () => {
      await kv.put('user:ann@example.com', 'secret-value');
      assert.equal(await kv.get('user:ann@example.com'), 'secret-value');
      assert.equal(await kv.get('missing'), null);
      assert.equal((await kv.getWithMetadata('missing')).value, null);
      assert.equal((await kv.list()).keys.length, 1);
      await kv.delete('user:ann@example.com');
    });
    assert.equal(kv.describe(), 'kv with 0 keys');
    const finished = await spans();
    const server = finished.find((span) => span.kind === SpanKind.SERVER)!;
    const client = finished.filter((span) => span.kind === SpanKind.CLIENT);
    assert.deepEqual(
      client.map((span) => [span.name, span.attributes['db.operation.name'], span.attributes['journeytrace.lookup.outcome']]),
      [
        ['put CART', 'put', undefined],
        ['get CART', 'get', 'hit'],
        ['get CART', 'get', 'miss'],
        ['getWithMetadata CART', 'getWithMetadata', 'miss'],
        ['list CART', 'list', undefined],
        ['delete CART', 'delete', undefined],
      ],
    );
    for (const span of client) {
      assert.equal(span.parentSpanContext?.spanId, server.spanContext().spanId);
      assert.equal(span.spanContext().traceId, server.spanContext().traceId);
      assert.equal(span.attributes['db.system.name'], 'cloudflare.kv');
      assert.equal(span.attributes['db.namespace'], 'CART');
      assert.doesNotMatch(JSON.stringify(span.attributes), /ann@example|secret-value/);
    }
    assert.equal(client[4]!.attributes['db.response.returned_rows'], 1);
  });

  it('records a failed operation and rethrows the same error', async () => {
    const { tracing, spans, inRequest } = setup();
    const failure = new TypeError('KV PUT failed: 413');
    const kv = traceKV({ ...memoryKV(), put: async (_key: string, _value: string) => Promise.reject(failure) }, 'CART', { tracing });
    await inRequest(() => assert.rejects(kv.put('k', 'v'), (error) => error === failure));
    const [put] = (await spans()).filter((span) => span.kind === SpanKind.CLIENT);
    assert.equal(put!.status.code, SpanStatusCode.ERROR);
    assert.equal(put!.attributes['error.type'], 'TypeError');
    assert.equal(put!.events[0]!.name, 'exception');
  });

  it('wrapping twice does not trace twice', async () => {
    const { tracing, spans } = setup();
    const kv = traceKV(traceKV(memoryKV(), 'CART', { tracing }), 'CART', { tracing });
    await kv.get('k');
    assert.equal((await spans()).length, 1);
  });
});

/** A D1 stand-in: statements remember their query and bound values; batch accepts only its own statements. */
function fakeD1() {
  const ran: Array<{ sql: string; values: unknown[] }> = [];
  class Statement {
    constructor(
      readonly sql: string,
      readonly values: unknown[] = [],
    ) {}
    bind(...values: unknown[]) {
      return new Statement(this.sql, values);
    }
    async first() {
      ran.push({ sql: this.sql, values: this.values });
      return this.values.length ? { stock: 3 } : null;
    }
    async all() {
      ran.push({ sql: this.sql, values: this.values });
      return { results: [{ a: 1 }, { a: 2 }], success: true };
    }
    async run() {
      ran.push({ sql: this.sql, values: this.values });
      return { results: [], success: true };
    }
    async raw() {
      return [[1]];
    }
  }
  return {
    ran,
    prepare: (sql: string) => new Statement(sql),
    async batch(statements: Statement[]) {
      for (const statement of statements) if (!(statement instanceof Statement)) throw new TypeError('not a D1 statement');
      return Promise.all(statements.map((statement) => statement.run()));
    },
    async exec(sql: string) {
      ran.push({ sql, values: [] });
      return { count: 1, duration: 0 };
    },
  };
}

describe('traceD1', () => {
  it('statement runs are spans with the SQL command, sanitized query text, rows, and never the bound values', async () => {
    const { tracing, spans, inRequest } = setup();
    const d1 = fakeD1();
    const db = traceD1(d1, 'DB', { tracing });
    await inRequest(async () => {
      assert.deepEqual(await db.prepare('SELECT stock FROM items WHERE id = ?').bind('ann@example.com').first(), { stock: 3 });
      await db.prepare("SELECT * FROM items WHERE owner = 'ann@example.com' LIMIT 10").all();
      await db.exec("DELETE FROM carts WHERE owner = 'bob'");
    });
    assert.deepEqual(d1.ran[0], { sql: 'SELECT stock FROM items WHERE id = ?', values: ['ann@example.com'] });
    const client = (await spans()).filter((span) => span.kind === SpanKind.CLIENT);
    assert.deepEqual(
      client.map((span) => [span.name, span.attributes['db.operation.name'], span.attributes['db.query.text'], span.attributes['db.response.returned_rows']]),
      [
        ['SELECT DB', 'SELECT', 'SELECT stock FROM items WHERE id = ?', 1],
        ['SELECT DB', 'SELECT', 'SELECT * FROM items WHERE owner = ? LIMIT ?', 2],
        ['DELETE DB', 'DELETE', 'DELETE FROM carts WHERE owner = ?', undefined],
      ],
    );
    for (const span of client) {
      assert.equal(span.attributes['db.system.name'], 'sqlite');
      assert.equal(span.attributes['db.namespace'], 'DB');
      assert.doesNotMatch(JSON.stringify(span.attributes), /ann@example|bob/);
    }
  });

  it('batch is one span over the runtime statements, BATCH <command> with the batch size', async () => {
    const { tracing, spans } = setup();
    const db = traceD1(fakeD1(), 'DB', { tracing });
    const insert = db.prepare('INSERT INTO cart (sku) VALUES (?)');
    await db.batch([insert.bind('a'), insert.bind('b')]);
    const client = (await spans()).filter((span) => span.kind === SpanKind.CLIENT);
    assert.equal(client.length, 1, 'statement runs inside a batch are not spans of their own');
    assert.equal(client[0]!.name, 'BATCH INSERT DB');
    assert.equal(client[0]!.attributes['db.operation.batch.size'], 2);
    assert.equal(client[0]!.attributes['db.query.text'], 'INSERT INTO cart (sku) VALUES (?); INSERT INTO cart (sku) VALUES (?)');
  });
});

describe('traceR2 and traceCache', () => {
  it('R2 get says hit or miss and records no object key', async () => {
    const { tracing, spans } = setup();
    const objects = new Map<string, string>([['invoices/ann.pdf', 'pdf']]);
    const bucket = traceR2(
      {
        head: async (key: string) => (objects.has(key) ? { key } : null),
        get: async (key: string) => (objects.has(key) ? { key, body: objects.get(key) } : null),
        put: async (key: string, value: string) => void objects.set(key, value),
        delete: async (_keys: string | string[]) => {},
        list: async () => ({ objects: [...objects.keys()].map((key) => ({ key })) }),
      },
      'FILES',
      { tracing },
    );
    await bucket.get('invoices/ann.pdf');
    await bucket.head('nothing');
    await bucket.delete(['a', 'b']);
    const client = await spans();
    assert.deepEqual(
      client.map((span) => [
        span.name,
        span.attributes['db.system.name'],
        span.attributes['journeytrace.lookup.outcome'],
        span.attributes['db.operation.batch.size'],
      ]),
      [
        ['get FILES', 'cloudflare.r2', 'hit', undefined],
        ['head FILES', 'cloudflare.r2', 'miss', undefined],
        ['delete FILES', 'cloudflare.r2', undefined, 2],
      ],
    );
    assert.doesNotMatch(JSON.stringify(client.map((span) => span.attributes)), /ann/);
  });

  it('Cache API match says hit or miss, the URL is not recorded', async () => {
    const { tracing, spans } = setup();
    const stored = new Map<string, Response>();
    const cache = traceCache(
      {
        match: async (request: string) => stored.get(request)?.clone(),
        put: async (request: string, response: Response) => void stored.set(request, response),
        delete: async (request: string) => stored.delete(request),
      },
      'default',
      { tracing },
    );
    await cache.put('https://shop.example/cart?user=ann', new Response('x'));
    assert.equal(await (await cache.match('https://shop.example/cart?user=ann'))?.text(), 'x');
    assert.equal(await cache.match('https://shop.example/other'), undefined);
    const client = await spans();
    assert.deepEqual(
      client.map((span) => [span.name, span.attributes['db.system.name'], span.attributes['journeytrace.lookup.outcome']]),
      [
        ['put default', 'cloudflare.cache', undefined],
        ['match default', 'cloudflare.cache', 'hit'],
        ['match default', 'cloudflare.cache', 'miss'],
      ],
    );
    assert.doesNotMatch(JSON.stringify(client.map((span) => span.attributes)), /ann/);
  });
});

describe('traceService', () => {
  it('fetch through a service binding is a CLIENT span whose context reaches the bound Worker, baggage cut to the allow-list', async () => {
    const { tracing, spans, inRequest } = setup();
    const received: Headers[] = [];
    const binding = {
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        received.push(new Request(input, init).headers);
        return new Response('[]');
      },
      connect: () => 'passed through',
    };
    const recommendations = traceService(binding, 'RECOMMENDATIONS', { tracing, baggageKeys: ['session.id', 'user.tier'] });
    await inRequest(() => recommendations.fetch('https://recommendations/for-cart', { headers: { accept: 'application/json' } }), {
      'session.id': 's-1',
      'user.tier': 'vip',
      'internal.note': 'do not pass',
    });
    assert.equal(recommendations.connect(), 'passed through');
    const client = (await spans()).find((span) => span.kind === SpanKind.CLIENT)!;
    assert.equal(received[0]!.get('traceparent')?.split('-')[2], client.spanContext().spanId);
    assert.equal(received[0]!.get('baggage'), 'session.id=s-1,user.tier=vip');
    assert.equal(received[0]!.get('accept'), 'application/json');
    assert.equal(client.attributes['journeytrace.binding.name'], 'RECOMMENDATIONS');
    assert.equal(client.attributes['http.request.method'], 'GET');
  });

  it('sends no baggage unless keys are allowed', async () => {
    const { tracing, inRequest } = setup();
    const received: Headers[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      received.push(new Request(input, init).headers);
      return new Response();
    };
    const service = traceService({ fetch }, 'S', { tracing });
    await inRequest(() => service.fetch(new Request('https://s/')), { 'session.id': 's-1' });
    assert.equal(received[0]!.get('baggage'), null);
    assert.match(received[0]!.get('traceparent') ?? '', /^00-/);
  });
});

describe('tracedBindings (Hono middleware)', () => {
  it('gives handlers the listed bindings traced, wrapped once per bindings object', async () => {
    const { Hono } = await import('hono');
    const { tracedBindings } = await import('./index.js');
    const { tracing, spans } = setup();
    type Env = { PRICES: ReturnType<typeof memoryKV>; OTHER: string };
    const app = new Hono<{ Bindings: Env; Variables: TracedBindingsVariables<Env, 'PRICES'> }>();
    const seen = new Set<object>();
    app.use(tracedBindings<Env, 'PRICES'>({ PRICES: 'kv' }, { tracing: () => tracing }));
    app.get('/', async (c) => {
      seen.add(c.var.bindings.PRICES);
      return c.text(String(await c.var.bindings.PRICES.get('k')));
    });
    const env: Env = { PRICES: memoryKV(), OTHER: 'x' };
    env.PRICES.store.set('k', 'v');
    assert.equal(await (await app.request('/', {}, env)).text(), 'v');
    assert.equal(await (await app.request('/', {}, env)).text(), 'v');
    assert.equal(seen.size, 1);
    assert.deepEqual(
      (await spans()).map((span) => [span.name, span.attributes['journeytrace.lookup.outcome']]),
      [
        ['get PRICES', 'hit'],
        ['get PRICES', 'hit'],
      ],
    );
  });

  it("gives each binding that leads to other code its own baggage allow-list, the others the middleware's", async () => {
    const { Hono } = await import('hono');
    const { tracedBindings } = await import('./index.js');
    const { tracing, inRequest } = setup();
    const received = new Map<string, string | null>();
    const service = (name: string) => ({
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        received.set(name, new Request(input, init).headers.get('baggage'));
        return new Response();
      },
    });
    type Env = { CARTS_SERVICE: ReturnType<typeof service>; RECOMMENDATIONS: ReturnType<typeof service>; OTHER: ReturnType<typeof service> };
    const app = new Hono<{ Bindings: Env; Variables: TracedBindingsVariables<Env, keyof Env> }>();
    app.use(
      tracedBindings<Env, keyof Env>(
        { CARTS_SERVICE: { kind: 'service', baggageKeys: ['session.id'] }, RECOMMENDATIONS: { kind: 'service', baggageKeys: ['user.tier'] }, OTHER: 'service' },
        { tracing: () => tracing, baggageKeys: ['session.id', 'user.tier'] },
      ),
    );
    app.get('/', async (c) => {
      for (const name of ['CARTS_SERVICE', 'RECOMMENDATIONS', 'OTHER'] as const) await c.var.bindings[name].fetch(`https://${name.toLowerCase()}/`);
      return c.text('ok');
    });
    const env: Env = { CARTS_SERVICE: service('CARTS_SERVICE'), RECOMMENDATIONS: service('RECOMMENDATIONS'), OTHER: service('OTHER') };
    await inRequest(async () => (await app.request('/', {}, env)).text(), { 'session.id': 's-1', 'user.tier': 'vip', 'enduser.id': 'ann' });
    assert.deepEqual(Object.fromEntries(received), {
      CARTS_SERVICE: 'session.id=s-1',
      RECOMMENDATIONS: 'user.tier=vip',
      OTHER: 'session.id=s-1,user.tier=vip',
    });
  });
});
