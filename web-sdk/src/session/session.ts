/**
 * The journey session: one random id shared by the tabs of a site (localStorage), rotated after
 * a stretch of inactivity or a maximum age, like an analytics session.
 */

/** Storage key of the session record. */
export const SESSION_STORAGE_KEY = 'journeytrace.session';

/** A session as kept in storage. Times are epoch milliseconds. */
export interface SessionRecord {
  readonly id: string;
  readonly startedAt: number;
  readonly lastActiveAt: number;
}

export interface SessionLimits {
  /** A session ends after this long without a span. */
  sessionInactivityTimeoutMillis: number;
  /** A session ends this long after it began, active or not. */
  sessionMaxDurationMillis: number;
}

export type SessionStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** Called when a session begins, with the id of the one it replaces (if any). */
export type OnSessionStart = (session: SessionRecord, previousId: string | undefined) => void;

// Writing on every span would hammer storage; activity is recorded at this granularity.
const TOUCH_GRANULARITY_MILLIS = 1000;

/** The session of this page. */
export interface JourneySession {
  /** The live session, after recording activity now. */
  current(): SessionRecord;
}

/**
 * Reads (and, when expired, rotates) the session on each call, so a rotation made by another
 * tab is picked up, and records activity. Storage that throws (privacy modes, sandboxed
 * frames) still gives a session held in memory for this page.
 */
export function journeySession(storage: SessionStorage | undefined, limits: SessionLimits, now: () => number, onStart: OnSessionStart): JourneySession {
  let memory: SessionRecord | undefined;
  let readText: string | null | undefined;
  let readRecord: SessionRecord | undefined;

  const read = (): SessionRecord | undefined => {
    try {
      const text = storage?.getItem(SESSION_STORAGE_KEY);
      // Read at every span start: parse only when another write (this tab's or another's) changed it.
      if (text !== readText) {
        readText = text;
        readRecord = parseSessionRecord(text);
      }
      return readRecord;
    } catch {
      return undefined;
    }
  };

  const write = (record: SessionRecord): SessionRecord => {
    memory = record;
    try {
      storage?.setItem(SESSION_STORAGE_KEY, JSON.stringify(record));
    } catch {
      // Not persisted; the session still holds for this page.
    }
    return record;
  };

  return {
    current() {
      const time = now();
      const stored = read() || memory;
      if (stored && !isExpired(stored, time, limits)) {
        if (time - stored.lastActiveAt >= TOUCH_GRANULARITY_MILLIS) return write({ ...stored, lastActiveAt: time });
        memory = stored;
        return stored;
      }
      const next = write({ id: randomHex(16), startedAt: time, lastActiveAt: time });
      onStart(next, stored?.id);
      return next;
    },
  };
}

export function isExpired(session: SessionRecord, now: number, limits: SessionLimits): boolean {
  return (
    now - session.lastActiveAt >= limits.sessionInactivityTimeoutMillis || now - session.startedAt >= limits.sessionMaxDurationMillis || now < session.startedAt
  );
}

/** A stored record, or `undefined` for anything that is not one (tampered, old format). */
export function parseSessionRecord(text: string | null | undefined): SessionRecord | undefined {
  if (!text) return undefined;
  try {
    // Throws for text that is not JSON, and for `null`.
    const { id, startedAt, lastActiveAt } = JSON.parse(text) as Record<string, unknown>;
    if (typeof id === 'string' && /^[0-9a-f]{32}$/.test(id) && typeof startedAt === 'number' && typeof lastActiveAt === 'number' && lastActiveAt >= startedAt)
      return { id, startedAt, lastActiveAt };
  } catch {
    // Not a record.
  }
  return undefined;
}

export function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = '';
  for (const byte of buffer) hex += (byte < 16 ? '0' : '') + byte.toString(16);
  return hex;
}
