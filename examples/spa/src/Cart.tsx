import { useState } from 'react';
import { edgeUrl, journey } from './journey';

interface Outcome {
  text: string;
  traceId: string;
}

/** The checkout button: one journey step around signing in and placing the order. */
export function Cart() {
  const [outcome, setOutcome] = useState<Outcome>();

  const checkout = () =>
    journey.step('checkout', async ({ traceId }) => {
      const session = await fetch(`${edgeUrl}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tier: 'premium' }),
      });
      const { token } = (await session.json()) as { token: string };
      journey.setUser({ tier: 'premium' });
      const order = await fetch(`${edgeUrl}/api/checkout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ items: 1 }),
      });
      setOutcome({ text: order.ok ? 'order placed' : `failed (${order.status})`, traceId });
    });

  return (
    <section>
      <h1>Cart</h1>
      <button type="button" data-testid="checkout" onClick={() => void checkout()}>
        Check out
      </button>
      {outcome && (
        <p data-testid="result" data-trace-id={outcome.traceId}>
          {outcome.text}
        </p>
      )}
    </section>
  );
}
