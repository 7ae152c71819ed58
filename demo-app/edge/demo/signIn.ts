import type { Context } from 'hono';
import { signSessionToken } from '@journeytrace/edge';
import { sessionSecretFor } from './sessionSecret.js';

/** Tiers of the demo shop. */
export const DEMO_TIERS = ['free', 'premium', 'vip'] as const;
const USER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Demo sign-in: `POST {tier, userId?}` answers `{token, tier, userId, expiresAt}`, a session
 * token signed with `SESSION_SECRET`. The page sends it as `Authorization: Bearer <token>`;
 * the trace middleware then trusts that tier instead of the browser's baggage claim.
 * A real shop signs the token where it authenticates the user. It signs anyone in: mount it only
 * in the demo's configuration (the worker serves it with `EDGE_DEMO_SIGN_IN=1`). The public
 * development secret signs nothing outside local dev (`sessionSecretFor`).
 */
export async function demoSignIn(c: Context<{ Bindings: { SESSION_SECRET?: string } }>): Promise<Response> {
  if (!c.env?.SESSION_SECRET) return c.json({ error: 'sign-in is not configured: set SESSION_SECRET' }, 500);
  const secret = sessionSecretFor(c.env, c.req.raw);
  if (!secret)
    return c.json(
      {
        error:
          'sign-in refused: SESSION_SECRET is the public development value and this is not local dev; set your own with `wrangler secret put SESSION_SECRET`',
      },
      500,
    );
  const body = (await c.req.json().catch(() => null)) as { tier?: unknown; userId?: unknown } | null;
  const tier = body?.tier;
  if (typeof tier !== 'string' || !(DEMO_TIERS as readonly string[]).includes(tier)) {
    return c.json({ error: `tier must be one of ${DEMO_TIERS.join(', ')}` }, 400);
  }
  const userId = body?.userId;
  if (userId !== undefined && (typeof userId !== 'string' || !USER_ID.test(userId))) {
    return c.json({ error: 'userId must be 1-64 characters of A-Z a-z 0-9 . _ -' }, 400);
  }
  const { token, claims } = await signSessionToken({ tier, ...(userId ? { sub: userId } : {}) }, secret);
  return c.json({ token, tier: claims.tier, userId: claims.sub ?? null, expiresAt: claims.exp });
}
