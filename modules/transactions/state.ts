import type { Client, Database, RegisteredCommand } from '../../kernel';

/** One key a client watches (Redis's watchedKey). */
export class WatchedKey {
  constructor(
    readonly db: Database,
    readonly key: string,
    readonly tx: TxState,
    /**
     * The key's TTL had already passed at WATCH: its deletion is then no change, only its
     * coming back is (Redis 7.0's `expired` flag).
     */
    public expired: boolean,
    /** The key is stored (FLUSHDB/FLUSHALL only touch watched keys that exist). */
    public exists: boolean,
  ) {}
}

/** A client's MULTI queue, WATCH list and CAS flags (Redis's multiState and client flags). */
export class TxState {
  /** Queued commands; null when not inside MULTI. */
  queue: Array<[RegisteredCommand, string[]]> | null = null;
  /** A command was refused while queuing: EXEC answers EXECABORT (CLIENT_DIRTY_EXEC). */
  aborted = false;
  /** A watched key changed: EXEC answers a null array (CLIENT_DIRTY_CAS). */
  dirty = false;
  readonly watched: WatchedKey[] = [];

  constructor(readonly client: Client) {}
}

/** Whether the key is stored, expired or not, without expiring it (Redis's dictFind). */
export function stored(db: Database, key: string): boolean {
  // A key with a TTL is stored; one without cannot be lazily expired by the lookup.
  return db.getExpire(key) !== -1 || db.has(key);
}
