import { expect, test } from '@journeytrace/playwright';

test('checkout is one trace from the click to the origin', async ({ page, journey }) => {
  await page.goto('/');
  await page.getByTestId('to-cart').click(); // a client-side route change
  await page.getByTestId('checkout').click();
  await expect(page.getByTestId('result')).toHaveText('order placed');
  const traceId = await page.getByTestId('result').getAttribute('data-trace-id');

  const trace = await journey.trace(traceId ?? undefined);

  trace.expectChain(
    { service: 'shop-spa', name: 'checkout' },
    { service: 'shop-spa', kind: 'CLIENT' },
    { service: 'shop-edge', kind: 'SERVER', name: 'POST /api/checkout' },
    { service: 'shop-edge', kind: 'CLIENT' },
    { service: 'shop-origin', kind: 'SERVER' },
  );
  // The tier the edge verified from the signed session, carried to the origin in baggage.
  trace
    .expectAttribute({ service: 'shop-edge', kind: 'SERVER', name: 'POST /api/checkout' }, 'user.tier', 'premium')
    .expectAttribute({ service: 'shop-origin', kind: 'SERVER' }, 'user.tier', 'premium')
    .expectNoErrors();
});
