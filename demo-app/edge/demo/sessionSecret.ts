import { isLoopbackUrl } from '../net/isLoopbackUrl.js';
import { log } from '@journeytrace/contract';

/**
 * The development value of `SESSION_SECRET`. It is public (it is in this repository), so a token
 * it signs proves nothing: the local stack passes it to `wrangler dev`
 * (tooling/stack/devSecrets.ts), and the worker accepts it in local dev only.
 */
export const DEV_SESSION_SECRET = 'journeytrace-local-dev-session-secret';

/**
 * `SESSION_SECRET` as this request may use it. The development value counts only in local dev,
 * which is a request sent to a loopback address (`wrangler dev` on 127.0.0.1, ::1 or localhost):
 * on Cloudflare a request's URL carries the public hostname its route matched, never a loopback
 * one. Anywhere else that value gives `undefined`, so the worker verifies no one (claims are
 * dropped) and signs nothing, and it says so in an error log line, once per isolate.
 */
export function sessionSecretFor(env: { SESSION_SECRET?: string }, request: Request): string | undefined {
  const secret = env.SESSION_SECRET;
  if (secret !== DEV_SESSION_SECRET || isLoopbackUrl(new URL(request.url))) return secret;
  if (!warnedOfDevSecret) {
    warnedOfDevSecret = true;
    log('SESSION_SECRET is the public development value outside local dev: no session is trusted and sign-in is refused; set your own with `wrangler secret put SESSION_SECRET`', { level: 'error' });
  }
  return undefined;
}

let warnedOfDevSecret = false;
