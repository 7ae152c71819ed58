/** Storage key of the journey session id (sessionStorage: one tab's visit). */
export const SESSION_STORAGE_KEY = 'journeytrace.session.id';

/**
 * The session id kept in `storage`, created on first use: 32 random hex characters.
 * Storage that throws (privacy modes, sandboxed frames) gives a per-page id instead.
 */
export function getOrCreateSessionId(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): string {
  try {
    const existing = storage?.getItem(SESSION_STORAGE_KEY);
    if (existing && /^[0-9a-f]{32}$/.test(existing)) return existing;
  } catch {
    // Fall through to a fresh id.
  }
  const id = randomHex(16);
  try {
    storage?.setItem(SESSION_STORAGE_KEY, id);
  } catch {
    // Not persisted; the id still holds for this page.
  }
  return id;
}

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
