/**
 * Signed session tokens: what the edge knows about a user, as opposed to what the browser's
 * baggage claims. HMAC-SHA256 with Web Crypto, so the same code runs in workerd and Node.
 *
 * Format: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256 over "v1.<claims>")>`.
 */

/** What a verified session says about its user. */
export interface SessionClaims {
  /** The user's tier (`user.tier`). */
  tier: string;
  /** The user's id (`enduser.id`), when known. */
  sub?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface SignSessionOptions {
  /** Lifetime of the token. Default 12 hours. */
  ttlSeconds?: number;
  /** Clock, for tests. Default `Date.now`. */
  nowMillis?: number;
}

const VERSION = 'v1';
/** Longer tokens are refused before any work (bounded outside input). */
export const SESSION_TOKEN_MAX_LENGTH = 2048;
const DEFAULT_TTL_SECONDS = 12 * 60 * 60;
const utf8 = new TextEncoder();

// importKey is costly; a worker normally has one secret, so a tiny cache is enough.
const keys = new Map<string, Promise<CryptoKey>>();
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 4) keys.clear();
    key = crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

/** Signs `claims` into a token; `exp` is set from `ttlSeconds`. */
export async function signSessionToken(
  claims: { tier: string; sub?: string },
  secret: string,
  options: SignSessionOptions = {},
): Promise<{ token: string; claims: SessionClaims }> {
  const nowSeconds = Math.floor((options.nowMillis ?? Date.now()) / 1000);
  const full: SessionClaims = { ...claims, exp: nowSeconds + (options.ttlSeconds ?? DEFAULT_TTL_SECONDS) };
  const signed = `${VERSION}.${base64url(utf8.encode(JSON.stringify(full)))}`;
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8.encode(signed)));
  return { token: `${signed}.${base64url(signature)}`, claims: full };
}

/**
 * The claims of a valid, unexpired token signed with `secret`; `null` for anything else
 * (malformed, oversized, wrong signature, expired). Never throws.
 */
export async function verifySessionToken(token: string, secret: string, nowMillis = Date.now()): Promise<SessionClaims | null> {
  if (!secret || token.length > SESSION_TOKEN_MAX_LENGTH) return null;
  const [version, encodedPayload, encodedSignature, ...extra] = token.split('.');
  if (version !== VERSION || encodedPayload === undefined || encodedSignature === undefined || extra.length > 0) return null;
  const payload = fromBase64url(encodedPayload);
  const signature = fromBase64url(encodedSignature);
  if (!payload || !signature) return null;
  try {
    // crypto.subtle.verify compares in constant time.
    const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), signature, utf8.encode(`${version}.${encodedPayload}`));
    if (!valid) return null;
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Partial<SessionClaims>;
    if (typeof claims.tier !== 'string' || typeof claims.exp !== 'number') return null;
    if (claims.sub !== undefined && typeof claims.sub !== 'string') return null;
    if (claims.exp * 1000 <= nowMillis) return null;
    return { tier: claims.tier, exp: claims.exp, ...(claims.sub !== undefined ? { sub: claims.sub } : {}) };
  } catch {
    return null;
  }
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
