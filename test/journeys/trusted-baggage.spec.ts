/**
 * user.tier and enduser.id in baggage are claims. Through the real stack (workerd edge, origin,
 * collector): a forged tier never reaches the spans the tail sampler reads, a signed one does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { expect, test } from '@playwright/test';
import { SpanKind, type KeptSpan } from '@journeytrace/playwright/collector-output';
import { waitForTrace } from '@journeytrace/playwright/wait';
import { isEdgeWorkerServer } from './support/edgeSpans.js';

const edgeUrl = () => required('JOURNEYTRACE_EDGE_URL');
const tracesFile = () => required('JOURNEYTRACE_TRACES_FILE');

const isEdgeServer = isEdgeWorkerServer;
const isOriginServer = (span: KeptSpan) => span.service === 'checkout-api' && span.kind === SpanKind.SERVER;

/** Posts a checkout straight to the edge as a forger would, in a trace of our choosing. */
async function checkoutAs(headers: Record<string, string>): Promise<{ traceId: string; edge: KeptSpan; origin: KeptSpan }> {
  const traceId = randomBytes(16).toString('hex');
  const response = await fetch(`${edgeUrl()}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, ...headers },
    body: JSON.stringify({ scenario: 'ok' }),
  });
  expect(response.status).toBe(200);
  const spans = await waitForTrace(tracesFile(), traceId, (arrived) => arrived.some(isEdgeServer) && arrived.some(isOriginServer));
  return { traceId, edge: spans.find(isEdgeServer)!, origin: spans.find(isOriginServer)! };
}

async function signIn(body: { tier: string; userId?: string }): Promise<string> {
  const response = await fetch(`${edgeUrl()}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  expect(token).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
  return token;
}

test('a forged user.tier=vip without a session is dropped on the edge and origin spans', async () => {
  const { edge, origin } = await checkoutAs({ baggage: 'session.id=forged-session,user.tier=vip,enduser.id=admin' });
  for (const span of [edge, origin]) {
    expect(span.attributes['user.tier'], `${span.service} ${span.name}`).toBeUndefined();
    expect(span.attributes['enduser.id'], `${span.service} ${span.name}`).toBeUndefined();
    expect(span.attributes['session.id'], `${span.service} ${span.name}`).toBe('forged-session');
  }
  expect(edge.attributes['journeytrace.baggage.verified']).toBe(false);
});

test('a token signed with another secret is not trusted either', async () => {
  const token = await signIn({ tier: 'free' });
  const [version, , signature] = token.split('.');
  const forgedClaims = Buffer.from(JSON.stringify({ tier: 'vip', exp: 4_102_444_800 })).toString('base64url');
  const { edge, origin } = await checkoutAs({ baggage: 'user.tier=vip', authorization: `Bearer ${version}.${forgedClaims}.${signature}` });
  expect(edge.attributes['user.tier']).toBeUndefined();
  expect(origin.attributes['user.tier']).toBeUndefined();
  expect(edge.attributes['journeytrace.baggage.verified']).toBe(false);
});

test('a signed-in premium user is premium on edge and origin, whatever the baggage claims', async () => {
  const token = await signIn({ tier: 'premium', userId: 'user-42' });
  const { edge, origin } = await checkoutAs({ baggage: 'session.id=s-42,user.tier=vip', authorization: `Bearer ${token}` });
  for (const span of [edge, origin]) {
    expect(span.attributes['user.tier'], `${span.service} ${span.name}`).toBe('premium');
    // The collector stores enduser.id hashed (SHA-256): the signed id, not the claim, went in.
    expect(span.attributes['enduser.id'], `${span.service} ${span.name}`).toBe(createHash('sha256').update('user-42').digest('hex'));
  }
  expect(edge.attributes['journeytrace.baggage.verified']).toBe(true);
});

test('choosing a tier on the demo page signs in: the edge span has the verified tier', async ({ page }) => {
  await page.goto(required('JOURNEYTRACE_APP_URL'));
  await page.locator('[data-testid=tier]').selectOption('vip');
  await page.locator('[data-testid=scenario]').selectOption('ok');
  await page.locator('[data-testid=checkout]').click();
  const result = page.locator('[data-testid=result]');
  await expect(result).toHaveAttribute('data-trace-id', /^[0-9a-f]{32}$/);
  const traceId = (await result.getAttribute('data-trace-id'))!;
  const spans = await waitForTrace(tracesFile(), traceId, (arrived) => arrived.some(isEdgeServer) && arrived.some(isOriginServer));
  const edge = spans.find(isEdgeServer)!;
  expect(edge.attributes['journeytrace.baggage.verified']).toBe(true);
  expect(edge.attributes['user.tier']).toBe('vip');
  expect(spans.find(isOriginServer)!.attributes['user.tier']).toBe('vip');
});

test('sign-in refuses unknown tiers and malformed bodies', async () => {
  for (const body of ['{"tier":"platinum"}', '{"tier":"free","userId":"a b"}', 'not json']) {
    const response = await fetch(`${edgeUrl()}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status, body).toBe(400);
  }
});

/** POSTs to the edge as if for `host` (fetch may not set Host; wrangler dev takes the URL's host from it). */
function postFor(host: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(path, edgeUrl()), { method: 'POST', headers: { host, 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

test('the public development secret counts in local dev only: for a public hostname no sign-in, and its tokens are not trusted', async () => {
  const token = await signIn({ tier: 'vip', userId: 'anyone' }); // on loopback: local dev
  const signInElsewhere = await postFor('edge.shop.example', '/api/session', {}, '{"tier":"vip"}');
  expect(signInElsewhere.status).toBe(500);
  expect(signInElsewhere.body).toContain('public development value');

  const traceId = randomBytes(16).toString('hex');
  const checkout = await postFor(
    'edge.shop.example',
    '/api/checkout',
    { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, baggage: 'user.tier=vip', authorization: `Bearer ${token}` },
    JSON.stringify({ scenario: 'ok' }),
  );
  expect(checkout.status).toBe(200);
  const spans = await waitForTrace(tracesFile(), traceId, (arrived) => arrived.some(isEdgeServer) && arrived.some(isOriginServer));
  const edge = spans.find(isEdgeServer)!;
  expect(edge.attributes['journeytrace.baggage.verified']).toBe(false);
  for (const span of [edge, spans.find(isOriginServer)!]) {
    expect(span.attributes['user.tier'], `${span.service} ${span.name}`).toBeUndefined();
    expect(span.attributes['enduser.id'], `${span.service} ${span.name}`).toBeUndefined();
  }
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
}
