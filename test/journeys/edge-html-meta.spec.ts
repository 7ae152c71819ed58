/**
 * HTML the edge serves carries `<meta name="traceparent">` (HTMLRewriter in workerd), naming the
 * same SERVER span as its `Server-Timing` header, so a page can join the edge's trace.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';

const edgeUrl = () => process.env.JOURNEYTRACE_EDGE_URL ?? '';
const serverTimingTraceparent = (header: string | null) => /traceparent;desc="([^"]+)"/.exec(header ?? '')?.[1];

test('served HTML continues the caller trace in its meta tag, matching Server-Timing', async () => {
  const traceId = randomBytes(16).toString('hex');
  const response = await fetch(`${edgeUrl()}/`, { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
  expect(response.status).toBe(200);
  const html = await response.text();
  const meta = /<meta name="traceparent" content="([^"]+)">/.exec(html)?.[1];
  expect(meta).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  expect(serverTimingTraceparent(response.headers.get('server-timing'))).toBe(meta);
  expect(html.indexOf('<meta name="traceparent"')).toBeLessThan(html.indexOf('<title>'));
  expect(html.match(/name="traceparent"/g)).toHaveLength(1);
});

test('a page opened in the browser reads the edge trace from its meta tag', async ({ page }) => {
  const response = await page.goto(`${edgeUrl()}/`);
  const meta = await page.locator('meta[name=traceparent]').getAttribute('content');
  // A trace the edge started itself: random ids, so the Level 2 random flag is set.
  expect(meta).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/);
  expect(serverTimingTraceparent(await response!.headerValue('server-timing'))).toBe(meta);
});

test('JSON responses are not rewritten', async () => {
  const response = await fetch(`${edgeUrl()}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tier":"free"}' });
  expect(await response.text()).not.toContain('traceparent');
  expect(serverTimingTraceparent(response.headers.get('server-timing'))).toMatch(/^00-/);
});
