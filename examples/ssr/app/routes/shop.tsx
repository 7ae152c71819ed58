import { useEffect, useState } from 'react';
import { startJourney } from '../journey';
import type { Route } from './+types/shop';

// The edge worker (API and span relay) reaches the page through the server's environment.
export function loader() {
  return { edgeUrl: process.env.EDGE_URL ?? 'http://127.0.0.1:8787' };
}

/** The shop page, rendered on the server and hydrated in the browser. */
export default function Shop({ loaderData: { edgeUrl } }: Route.ComponentProps) {
  const [hydrated, setHydrated] = useState(false);
  const [result, setResult] = useState<{ text: string; traceId: string }>();
  useEffect(() => {
    startJourney(edgeUrl);
    setHydrated(true);
  }, [edgeUrl]);

  const checkout = () =>
    startJourney(edgeUrl).step('checkout', async ({ traceId }) => {
      const response = await fetch(`${edgeUrl}/api/checkout`, { method: 'POST' });
      setResult({ text: response.ok ? 'order placed' : `failed (${response.status})`, traceId });
    });

  return (
    <main data-hydrated={hydrated}>
      <h1>Shop</h1>
      <button type="button" data-testid="checkout" onClick={() => void checkout()}>
        Check out
      </button>
      {result && (
        <p data-testid="result" data-trace-id={result.traceId}>
          {result.text}
        </p>
      )}
    </main>
  );
}
