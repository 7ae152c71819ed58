/**
 * The development value of `SESSION_SECRET`. It is public (it is in this repository), so a token
 * it signs proves nothing: the local stack passes it to `wrangler dev`
 * (tooling/stack/devSecrets.ts), and the worker accepts it in local dev only (sessionSecret.ts).
 * A module of its own with no imports: the stack launcher reads it before any package is built.
 */
export const DEV_SESSION_SECRET = 'journeytrace-local-dev-session-secret';
