/** An export request kept in browser storage until the endpoint answers it with a 2xx. */
export interface StoredBatch {
  /** The batch id, sent as `journeytrace-batch-id` on every try. */
  id: string;
  /** The OTLP/JSON body, as it was (or would have been) sent. */
  body: Uint8Array;
  /** Spans in it, for the drop count. */
  spans: number;
  /** When it was stored (epoch ms), for the age bound and the order. */
  at: number;
}

/** Where unsent batches wait for the next page of the origin. Writes never throw; `all` resolves to `[]` when storage fails. */
export interface OfflineStore {
  put(batches: StoredBatch[]): void;
  remove(id: string): void;
  all(): Promise<StoredBatch[]>;
}

const STORE = 'batches';

/**
 * The offline store in IndexedDB (database `journeytrace`), or `undefined` where there is none.
 * The database is opened at once, so the writes made at page hide start synchronously, inside
 * the event, rather than after an `open` the unloading page may not live to see.
 * @see https://github.com/getsentry/sentry-javascript/blob/develop/packages/browser/src/transports/offline.ts
 */
export function indexedDbStore(): OfflineStore | undefined {
  let database: IDBDatabase | undefined;
  let opened: Promise<IDBDatabase | undefined>;
  try {
    const request = indexedDB.open('journeytrace', 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'id' });
    opened = new Promise((resolve) => {
      request.onsuccess = () => {
        database = request.result;
        resolve(database);
      };
      request.onerror = () => resolve(undefined);
    });
  } catch {
    return undefined; // No IndexedDB (or it is blocked, as in some private modes).
  }
  // Synchronously when the database is open (page hide), else once it is.
  const withStore = <T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => T, fallback: T): T | Promise<T> => {
    const run = (db: IDBDatabase | undefined) => {
      try {
        return db ? use(db.transaction(STORE, mode).objectStore(STORE)) : fallback;
      } catch {
        return fallback;
      }
    };
    return database ? run(database) : opened.then(run);
  };
  return {
    put: (batches) => void withStore('readwrite', (store) => batches.forEach((batch) => void store.put(batch)), undefined),
    remove: (id) => void withStore('readwrite', (store) => store.delete(id), undefined),
    all: () =>
      Promise.resolve(
        withStore(
          'readonly',
          (store) =>
            new Promise<StoredBatch[]>((resolve) => {
              const request = store.getAll();
              request.onsuccess = () => resolve(request.result as StoredBatch[]);
              request.onerror = () => resolve([]);
            }),
          Promise.resolve([]),
        ),
      ),
  };
}
