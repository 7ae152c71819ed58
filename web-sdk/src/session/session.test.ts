import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { journeySession, SESSION_STORAGE_KEY, parseSessionRecord, type SessionRecord } from './session.js';

const MINUTE = 60_000;
const limits = { sessionInactivityTimeoutMillis: 30 * MINUTE, sessionMaxDurationMillis: 240 * MINUTE };

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items };
}

/** A session over a fake clock and storage, recording every start. */
function fixture(storage = memoryStorage()) {
  const clock = { now: 1_000_000 };
  const starts: Array<[SessionRecord, string | undefined]> = [];
  const session = journeySession(
    storage,
    limits,
    () => clock.now,
    (record, previous) => starts.push([record, previous]),
  );
  return { session, clock, starts, storage };
}

describe('JourneySession', () => {
  it('creates a 32-hex id, stores it and marks the start', () => {
    const { session, starts, storage } = fixture();
    const { id } = session.current();
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(parseSessionRecord(storage.items.get(SESSION_STORAGE_KEY))?.id, id);
    assert.deepEqual(
      starts.map(([record, previous]) => [record.id, previous]),
      [[id, undefined]],
    );
  });

  it('keeps the id while the user stays active, past the inactivity timeout in total', () => {
    const { session, clock, starts } = fixture();
    const { id } = session.current();
    for (let i = 0; i < 6; i += 1) {
      clock.now += 29 * MINUTE;
      assert.equal(session.current().id, id);
    }
    assert.equal(starts.length, 1);
  });

  it('rotates after 30 minutes of inactivity, naming the previous session', () => {
    const { session, clock, starts } = fixture();
    const first = session.current().id;
    clock.now += 30 * MINUTE;
    const second = session.current().id;
    assert.notEqual(second, first);
    assert.deepEqual(
      starts.map(([record, previous]) => [record.id, previous]),
      [
        [first, undefined],
        [second, first],
      ],
    );
  });

  it('rotates after 4 hours in all even when active', () => {
    const { session, clock } = fixture();
    const first = session.current().id;
    for (let elapsed = 0; elapsed < 239 * MINUTE; elapsed += 10 * MINUTE) {
      clock.now += 10 * MINUTE;
      if (elapsed + 10 * MINUTE < 240 * MINUTE) assert.equal(session.current().id, first);
    }
    clock.now = 1_000_000 + 240 * MINUTE;
    assert.notEqual(session.current().id, first);
  });

  it('is shared by tabs of the site: a second instance on the same storage reuses it', () => {
    const storage = memoryStorage();
    const tabA = fixture(storage);
    const tabB = fixture(storage);
    const id = tabA.session.current().id;
    assert.equal(tabB.session.current().id, id);
    assert.equal(tabB.starts.length, 0);
  });

  it('picks up a rotation made by another tab', () => {
    const storage = memoryStorage();
    const tabA = fixture(storage);
    const tabB = fixture(storage);
    tabA.session.current();
    tabB.session.current();
    tabA.clock.now += 31 * MINUTE;
    const rotated = tabA.session.current().id;
    tabB.clock.now += 31 * MINUTE;
    assert.equal(tabB.session.current().id, rotated);
  });

  it('replaces tampered or foreign stored values', () => {
    for (const stored of [
      'x"; drop table',
      '{"id":"abc","startedAt":1,"lastActiveAt":2}',
      `{"id":"${'a'.repeat(32)}","startedAt":5,"lastActiveAt":1}`,
      'null',
      '42',
    ]) {
      const { session } = fixture(memoryStorage({ [SESSION_STORAGE_KEY]: stored }));
      const { id } = session.current();
      assert.match(id, /^[0-9a-f]{32}$/);
      assert.notEqual(id, 'a'.repeat(32));
    }
  });

  it('starts afresh when the clock went backwards', () => {
    const { session, clock } = fixture();
    const first = session.current().id;
    clock.now -= 10 * MINUTE;
    assert.notEqual(session.current().id, first);
  });

  it('still gives a stable id when storage throws or is missing', () => {
    const throwing = {
      getItem: (): string | null => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    for (const storage of [throwing, undefined]) {
      const session = journeySession(
        storage,
        limits,
        () => 5,
        () => undefined,
      );
      const { id } = session.current();
      assert.match(id, /^[0-9a-f]{32}$/);
      assert.equal(session.current().id, id);
    }
  });
});
