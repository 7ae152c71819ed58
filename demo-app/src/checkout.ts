import type { JourneyTrace } from 'journeytrace';
import type { DemoSession } from './session.js';

export type CheckoutOutcome = { ok: true; orderId: string; traceId: string; recommendations: string[] } | { ok: false; error: string; traceId: string };

/**
 * The checkout journey step: one call to the edge worker, traced as the step `checkout`.
 * A failed checkout marks the step as an error (so the collector keeps the journey) and is
 * still shown to the user.
 */
export async function checkout(journey: JourneyTrace, edgeUrl: string, scenario: string, session?: DemoSession): Promise<CheckoutOutcome> {
  let traceId = '';
  try {
    return await journey.step('checkout', async (step) => {
      traceId = step.traceId;
      const response = await fetch(`${edgeUrl}/api/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await session?.headers()) },
        body: JSON.stringify({ scenario }),
      });
      const body = (await response.json().catch(() => ({}))) as { orderId?: string; error?: string; recommendations?: unknown };
      if (!response.ok) throw new CheckoutError(body.error ?? `HTTP ${response.status}`);
      // Picked by the edge's recommendations Worker (a service binding): strings only, shown as text.
      const recommendations = Array.isArray(body.recommendations) ? body.recommendations.filter((item): item is string => typeof item === 'string') : [];
      return { ok: true as const, orderId: body.orderId ?? '?', traceId: step.traceId, recommendations };
    });
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), traceId };
  }
}

class CheckoutError extends Error {
  override name = 'CheckoutError';
}
