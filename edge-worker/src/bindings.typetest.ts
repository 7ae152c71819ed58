/**
 * Type-level test, checked by the type-check (`tsc -p tsconfig.json`), never run: the middleware,
 * the relay, the session verifier and the queue helpers take a worker's own bindings type (here as
 * `wrangler types` writes one) with no casts, and refuse one that does not fit.
 */
import { Hono } from 'hono';
import { sessionTokenVerifier, trace, tracingFromEnv, type TraceVariables } from './index.js';
import { otlpRelay } from './relay/index.js';
import { traceQueueConsumer, tracedQueue, type QueueProducer, type TracedMessageBody } from './queue/index.js';

/** As `wrangler types` generates it: vars as string literals, secrets as strings, bindings by type. */
interface MyEnv {
  OTEL_SERVICE_NAME: 'shop-edge';
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318';
  API_ORIGIN: 'https://api.shop.example';
  ALLOWED_ORIGINS: string;
  SESSION_SECRET: string;
  ORDER_EVENTS: QueueProducer<TracedMessageBody<{ orderId: string }>>;
}

/** Bindings that declare none of the names the kit reads. */
interface BareEnv {
  SESSION_SECRET: string;
  API_ORIGIN: string;
}

const app = new Hono<{ Bindings: MyEnv; Variables: TraceVariables }>();
const verifyUser = sessionTokenVerifier<MyEnv>({ secret: (env) => env.SESSION_SECRET });
app.use(trace({ propagateTo: ['https://api.shop.example'], verifyUser }));
app.use(trace<MyEnv>((env) => ({ propagateTo: [env.API_ORIGIN], verifyUser })));
app.use(trace((env: MyEnv) => ({ serviceName: env.OTEL_SERVICE_NAME })));
app.post(
  '/v1/traces',
  otlpRelay<MyEnv>((env) => ({ allowedOrigins: env.ALLOWED_ORIGINS.split(',') })),
);

const bare = new Hono<{ Bindings: BareEnv; Variables: TraceVariables }>();
bare.use(trace<BareEnv>((env) => ({ propagateTo: [env.API_ORIGIN], verifyUser: sessionTokenVerifier<BareEnv>({ secret: (e) => e.SESSION_SECRET }) })));
bare.get('/', (c) => {
  tracingFromEnv(c.env);
  return c.text('ok');
});

app.post('/api/orders', async (c) => {
  const orders = tracedQueue(c.env.ORDER_EVENTS, { name: 'order-events', tracing: tracingFromEnv(c.env), executionCtx: c.executionCtx });
  await orders.send({ orderId: '42' });
  return c.text('ok');
});

export const worker = {
  fetch: app.fetch,
  queue: traceQueueConsumer<{ orderId: string }, MyEnv>(async (order, _message, env) => {
    void [order.orderId, env.API_ORIGIN];
  }),
};

// A verifier for other bindings does not fit these options.
// @ts-expect-error BareEnv has no ORDER_EVENTS: a verifier for MyEnv cannot take it
trace<BareEnv>({ verifyUser });
// @ts-expect-error the options function gets the bindings it was declared with, and they have no DATABASE_URL
trace<MyEnv>((env) => ({ propagateTo: [env.DATABASE_URL] }));
// @ts-expect-error a name the kit reads must be a string
tracingFromEnv({ OTEL_SERVICE_NAME: 42 });
// @ts-expect-error a name the kit reads must be a string
otlpRelay<{ JOURNEYTRACE_RELAY_MAX_BODY_BYTES: number }>();
