/**
 * The kit's in-page capture: with `captureBrowserSpans`, the web SDK's own span exports are
 * answered by Playwright in the page and their spans kept, with no server behind them. The
 * browser's spans then reach only the test, never the relay or the collector.
 */
import { defaultTraceSource, expect, test, type TraceSource } from '@journeytrace/playwright';
import { checkoutInShop } from './support/shop.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the journey tests through \`npm test\`.`);
  return value;
};

/** Reads nothing: whatever the trace holds came from the page itself. */
const nowhere: TraceSource = { description: 'nowhere', spans: async () => [] };

test.use({ captureBrowserSpans: true, traceSource: nowhere });

test("the page's own exports are captured in the page: the browser half of the journey, with no server", async ({ page, journey }) => {
  const { traceId } = await checkoutInShop(page, env('JOURNEYTRACE_APP_URL'), 'vip', 'ok');
  const trace = await journey.trace(traceId);
  trace.expectChain({ service: 'shop-web', name: 'checkout', kind: 'INTERNAL' }, { service: 'shop-web', kind: 'CLIENT' });
  expect(new Set(trace.spans.map((span) => span.service))).toEqual(new Set(['shop-web']));
  expect(trace.span({ service: 'shop-web', name: 'checkout' }).resource['telemetry.sdk.language']).toBe('webjs');
  // The edge answered the journey, but the browser's spans never left the page: the stack's own
  // trace source (the collector's file, or the run's receiver) has the edge's spans and none of the page's.
  const stackSpans = defaultTraceSource(env('JOURNEYTRACE_TRACES_FILE'));
  await expect.poll(async () => (await stackSpans.spans(traceId)).some((span) => span.service === 'edge-worker'), { timeout: 20_000 }).toBe(true);
  expect((await stackSpans.spans(traceId)).filter((span) => span.service === 'shop-web')).toEqual([]);
});
