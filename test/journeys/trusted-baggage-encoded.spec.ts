/**
 * A claim spelled another way is still a claim. W3C Baggage keys are tokens, and `%` is a token
 * character, so `user%2Etier` is a key of its own to a plain parser, while a reader that
 * percent-decodes keys (as @opentelemetry/core's does) sees `user.tier`. Through the real stack
 * (workerd edge, every origin service, collector): no spelling of `user.tier` or `enduser.id`
 * without a session token puts a tier or a user on any span.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { SpanKind, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { waitForJourney } from '@journeytrace/playwright/wait';

const edgeUrl = () => required('JOURNEYTRACE_EDGE_URL');
const tracesFile = () => required('JOURNEYTRACE_TRACES_FILE');

/** Every service a checkout passes through, each with its SERVER or CONSUMER span. */
const HOPS = ['edge-worker', 'checkout-api', 'inventory', 'orders-worker', 'payment'];
const label = (span: KeptSpan) => `${span.service} ${span.name}`;

/** Posts a checkout straight to the edge, as anyone can, and waits for every hop's spans. */
async function checkoutWithBaggage(baggage: string): Promise<KeptSpan[]> {
  const traceId = randomBytes(16).toString('hex');
  const response = await fetch(`${edgeUrl()}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, baggage },
    body: JSON.stringify({ scenario: 'ok' }),
  });
  expect(response.status).toBe(200);
  const arrived = (spans: readonly KeptSpan[], service: string) =>
    spans.some((span) => span.service === service && (span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER));
  const trace = await waitForJourney(tracesFile(), traceId, {
    timeoutMillis: 30_000,
    settleMillis: 1_000,
    until: (journey) => HOPS.every((service) => arrived(journey.spans, service)),
  });
  return [...trace.spans];
}

test('percent-encoded user.tier and enduser.id without a session reach no edge or origin span', async () => {
  const spans = await checkoutWithBaggage('session.id=encoded-claims,user%2Etier=vip,enduser%2Eid=victim');
  for (const span of spans) {
    expect(span.attributes['user.tier'], label(span)).toBeUndefined();
    // The collector stores enduser.id hashed: any value at all would be the forged one.
    expect(span.attributes['enduser.id'], label(span)).toBeUndefined();
  }
  // The baggage itself still travels: the unclaimed key is on every hop's spans.
  for (const service of HOPS) {
    const spansOf = spans.filter((span) => span.service === service);
    expect(spansOf.length, service).toBeGreaterThan(0);
    expect(
      spansOf.every((span) => span.attributes['session.id'] === 'encoded-claims'),
      service,
    ).toBe(true);
  }
  expect(spans.find((span) => span.service === 'edge-worker' && span.kind === SpanKind.SERVER)?.attributes['journeytrace.baggage.verified']).toBe(false);
});

test('other spellings are dropped too: lower-case hex, double encoding, white space, properties', async () => {
  const spans = await checkoutWithBaggage(
    'session.id=spellings, user%2etier = vip ;p=1,%75%73%65%72.tier=vip,user%252Etier=vip,enduser%2eid=victim;ttl=60,enduser%252eid=victim',
  );
  for (const span of spans) {
    expect(span.attributes['user.tier'], label(span)).toBeUndefined();
    expect(span.attributes['enduser.id'], label(span)).toBeUndefined();
  }
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
}
