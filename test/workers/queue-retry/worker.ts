/**
 * A minimal worker for the queue hop's journey test: `POST /send` publishes one message with
 * `tracedQueue` in a traced request; the consumer (`traceQueueConsumer`) fails every message's
 * first delivery, so the runtime retries it.
 */
import { Hono } from 'hono';
import { trace, tracingFromEnv, type TraceBindings, type TraceVariables } from '@journeytrace/edge';
import { tracedQueue, traceQueueConsumer, type QueueProducer, type TracedMessageBody } from '@journeytrace/edge/queue';

interface Bindings extends TraceBindings {
  JOBS: QueueProducer<TracedMessageBody<{ job: string }>>;
}

const app = new Hono<{ Bindings: Bindings; Variables: TraceVariables }>();
app.get('/health', (c) => c.text('ok'));
app.use(trace());
app.post('/send', async (c) => {
  const jobs = tracedQueue(c.env.JOBS, { name: 'retry-jobs', tracing: tracingFromEnv(c.env), executionCtx: c.executionCtx });
  await jobs.send({ job: c.req.query('job') ?? 'unnamed' });
  return c.text('sent');
});

export default {
  fetch: app.fetch,
  queue: traceQueueConsumer<{ job: string }, Bindings>((_job, message) => {
    if (message.attempts === 1) throw new Error('first delivery fails');
  }),
};
