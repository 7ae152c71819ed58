import { diag } from '@opentelemetry/api';
import { ATTR_ENDUSER_ID, ATTR_USER_TIER } from '@journeytrace/contract';
import type { VerifiedUser } from '../baggage/verifiedClaims.js';
import { verifySessionToken } from './sessionToken.js';

/** Verifies the user behind a request; `null` when nothing can be verified. */
export type VerifyUser<E = unknown> = (request: Request, env: E) => Promise<VerifiedUser | null>;

export interface SessionTokenVerifierOptions<E> {
  /**
   * The HMAC secret, e.g. `(env) => env.SESSION_SECRET` (a `wrangler secret` in production); the
   * request is there for a secret that depends on it (the demo refuses its public development
   * value outside local dev). `undefined` verifies no one.
   */
  secret: (env: E, request: Request) => string | undefined;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * A {@link VerifyUser} that reads `Authorization: Bearer <session token>` and turns a valid
 * token into `user.tier` and `enduser.id`. A missing secret verifies no one (and says so once).
 */
export function sessionTokenVerifier<E>(options: SessionTokenVerifierOptions<E>): VerifyUser<E> {
  let warned = false;
  return async function verifyUser(request, env) {
    const token = BEARER.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!token) return null;
    const secret = options.secret(env, request);
    if (!secret) {
      if (!warned) diag.warn('journeytrace: no session secret configured; baggage claims are dropped');
      warned = true;
      return null;
    }
    const claims = await verifySessionToken(token, secret);
    return claims && { [ATTR_USER_TIER]: claims.tier, [ATTR_ENDUSER_ID]: claims.sub };
  };
}
