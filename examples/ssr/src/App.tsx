import { useEffect, useState } from 'react';
import { edgeUrl, startJourney } from './journey';

/** The shop page, rendered on the server and hydrated in the browser. */
export function App() {
  const [hydrated, setHydrated] = useState(false);
  const [result, setResult] = useState<{ text: string; traceId: string }>();
  useEffect(() => {
    startJourney();
    setHydrated(true);
  }, []);

  const checkout = () =>
    startJourney().step('checkout', async ({ traceId }) => {
      const response = await fetch(`${edgeUrl()}/api/checkout`, { method: 'POST' });
      setResult({ text: response.ok ? 'order placed' : `failed (${response.status})`, traceId });
    });

  return (
    <main data-hydrated={hydrated}>
      <h1>Shop</h1>
      <button data-testid="checkout" onClick={() => void checkout()}>
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
