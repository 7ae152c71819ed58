import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getOrCreateSessionId, SESSION_STORAGE_KEY } from './sessionId.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value), items };
}

describe('getOrCreateSessionId', () => {
  it('creates a 32-hex id and keeps it', () => {
    const storage = memoryStorage();
    const id = getOrCreateSessionId(storage);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(storage.items.get(SESSION_STORAGE_KEY), id);
    assert.equal(getOrCreateSessionId(storage), id);
  });

  it('replaces a stored value that is not a session id', () => {
    const storage = memoryStorage({ [SESSION_STORAGE_KEY]: 'x"; drop table' });
    const id = getOrCreateSessionId(storage);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.equal(storage.items.get(SESSION_STORAGE_KEY), id);
  });

  it('still gives an id when storage throws or is missing', () => {
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    assert.match(getOrCreateSessionId(throwing), /^[0-9a-f]{32}$/);
    assert.match(getOrCreateSessionId(undefined), /^[0-9a-f]{32}$/);
  });

  it('gives different sessions different ids', () => {
    assert.notEqual(getOrCreateSessionId(memoryStorage()), getOrCreateSessionId(memoryStorage()));
  });
});
