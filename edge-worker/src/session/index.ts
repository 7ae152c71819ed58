/**
 * @module
 * Signed session tokens and the verifier that turns them into trusted baggage.
 */
export { signSessionToken, verifySessionToken, SESSION_TOKEN_MAX_LENGTH, type SessionClaims, type SignSessionOptions } from './sessionToken.js';
export { sessionTokenVerifier, type SessionTokenVerifierOptions, type VerifyUser } from './sessionTokenVerifier.js';
