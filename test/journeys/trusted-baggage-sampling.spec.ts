/**
 * A forged tier cannot force tail sampling: on a stack whose collector keeps no ordinary
 * journeys (baseline share 0), a checkout claiming `user.tier=vip` in baggage without a session
 * leaves no span at all, while one signed in as vip is kept whole.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { useDedicatedStack } from './support/dedicatedStack.js';
import { readKeptSpans } from '@journeytrace/playwright/collector-output';
import { waitForTrace } from '@journeytrace/playwright/wait';

const stack = useDedicatedStack({ name: 'forged-tier', collectorEnv: { JOURNEYTRACE_BASELINE_SAMPLE_PERCENT: '0' } });

/** A checkout posted straight to the edge, as anyone can, in a new sampled trace. */
async function checkout(headers: Record<string, string>): Promise<string> {
  const traceId = randomBytes(16).toString('hex');
  const response = await fetch(`${stack().urls.edge}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, ...headers },
    body: JSON.stringify({ scenario: 'ok' }),
  });
  expect(response.status).toBe(200);
  return traceId;
}

/**
 * A forged checkout fast enough that only its claimed tier could make the sampler keep it: on a
 * loaded machine a cold hop can pass the 500 ms slow-request rule, which keeps any journey.
 */
async function fastForgedCheckout(): Promise<string> {
  await checkout({}); // warms every hop (dropped: ordinary, baseline 0)
  let traceId = '';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const started = performance.now();
    traceId = await checkout({ baggage: 'session.id=forger,user.tier=vip' });
    if (performance.now() - started < 250) break;
  }
  return traceId;
}

test('a forged vip claim is dropped by the tail sampler; a signed-in vip is kept', async () => {
  const forged = await fastForgedCheckout();

  const session = await fetch(`${stack().urls.edge}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tier":"vip"}' });
  const { token } = (await session.json()) as { token: string };
  const signed = await checkout({ baggage: 'session.id=member,user.tier=vip', authorization: `Bearer ${token}` });

  // The signed journey is the barrier: once it is kept, the earlier one has been judged too.
  const kept = await waitForTrace(stack().tracesFile, signed, (spans) => spans.some((span) => span.service === 'checkout-api'));
  expect(kept.find((span) => span.service === 'edge-worker')?.attributes['user.tier']).toBe('vip');
  await new Promise((resolve) => setTimeout(resolve, 2_500)); // past the test overlay's 1 s decision wait
  expect((await readKeptSpans(stack().tracesFile)).filter((span) => span.traceId === forged)).toEqual([]);
});
