import type { JourneyTrace } from 'journeytrace';
import type { DemoSession } from './session.js';

/** The receipt the edge filed for the order, as far as the page shows it. */
export interface ReceiptSummary {
  totalCents: number | null;
  items: number;
}

export type CheckoutOutcome =
  | { ok: true; orderId: string; traceId: string; recommendations: string[]; receipt?: ReceiptSummary }
  | { ok: false; error: string; traceId: string };

/**
 * The checkout journey step: the edge worker places the order, then the page reads its receipt
 * from the edge (served from the edge's cache or R2), both traced as the step `checkout`.
 * A failed checkout marks the step as an error (so the collector keeps the journey) and is
 * still shown to the user.
 */
export async function checkout(journey: JourneyTrace, edgeUrl: string, scenario: string, session?: DemoSession): Promise<CheckoutOutcome> {
  let traceId = '';
  try {
    return await journey.step('checkout', async (step) => {
      traceId = step.traceId;
      const sessionHeaders = await session?.headers();
      const response = await fetch(`${edgeUrl}/api/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sessionHeaders },
        body: JSON.stringify({ scenario }),
      });
      const body = (await response.json().catch(() => ({}))) as { orderId?: string; error?: string; recommendations?: unknown };
      if (!response.ok) throw new CheckoutError(body.error ?? `HTTP ${response.status}`);
      // Picked by the edge's recommendations Worker (a service binding): strings only, shown as text.
      const recommendations = Array.isArray(body.recommendations) ? body.recommendations.filter((item): item is string => typeof item === 'string') : [];
      const orderId = body.orderId ?? '?';
      return { ok: true as const, orderId, traceId: step.traceId, recommendations, receipt: await readReceipt(edgeUrl, orderId, sessionHeaders) };
    });
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), traceId };
  }
}

/** The order's receipt; none when the edge has none or fails (the order is placed either way). */
async function readReceipt(edgeUrl: string, orderId: string, sessionHeaders?: HeadersInit): Promise<ReceiptSummary | undefined> {
  try {
    const response = await fetch(`${edgeUrl}/api/receipts/${encodeURIComponent(orderId)}`, { headers: sessionHeaders });
    if (!response.ok) return undefined;
    const receipt = (await response.json()) as { totalCents?: unknown; lines?: unknown };
    const lines = Array.isArray(receipt.lines) ? (receipt.lines as { quantity?: unknown }[]) : [];
    const items = lines.reduce((sum, line) => sum + (typeof line.quantity === 'number' ? line.quantity : 0), 0);
    return { totalCents: typeof receipt.totalCents === 'number' ? receipt.totalCents : null, items };
  } catch {
    return undefined;
  }
}

class CheckoutError extends Error {
  override name = 'CheckoutError';
}
