/**
 * Development-only values of the edge worker's secrets. The local stack passes them to
 * `wrangler dev` as `--var`s; they are never in `wrangler.toml`, so `wrangler deploy` cannot
 * ship them (production sets its own with `wrangler secret put`), and the worker refuses the
 * session secret's development value outside local dev (demo-app/edge/demo/sessionSecret.ts;
 * the value lives in devSessionSecret.ts).
 */

/** Signs the demo's session tokens (trusted `user.tier`) in local runs and tests. */
export { DEV_SESSION_SECRET } from '@journeytrace/demo-app/edge/demo/devSessionSecret.js';
