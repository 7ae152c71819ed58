/**
 * Development-only values of the edge worker's secrets. The local stack passes them to
 * `wrangler dev` as `--var`s; they are never in `wrangler.toml`, so `wrangler deploy` cannot
 * ship them (production sets its own with `wrangler secret put`).
 */

/** Signs the demo's session tokens (trusted `user.tier`) in local runs and tests. */
export const DEV_SESSION_SECRET = 'journeytrace-local-dev-session-secret';
