import { isLoopbackUrl } from '../net/isLoopbackUrl.js';
import { log } from '@journeytrace/contract';
import { DEV_SESSION_SECRET } from './devSessionSecret.js';

export { DEV_SESSION_SECRET };

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
    log(
      'SESSION_SECRET is the public development value outside local dev: no session is trusted and sign-in is refused; set your own with `wrangler secret put SESSION_SECRET`',
      { level: 'error' },
    );
  }
  return undefined;
}

let warnedOfDevSecret = false;
