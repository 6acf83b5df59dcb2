import { inject, injectable } from 'tsyringe';
import { Hooks, Notify } from '../hooks';
import { Journal } from '../journal';
import { Database } from './database';
import { LFU_INIT_VAL, lfuCounter, lfuMinutes, lfuTouch } from './lru';
import { TypeRegistry } from './types';

/**
 * What a key costs besides its bytes, measured on V8 (64-bit, no pointer compression): its
 * row in the KeyTable (key and value slots, hash, stamp and size: 28 bytes, in segments at most
 * one of which is partly used) and its index slots (4 bytes each, the index a quarter to half
 * full), on average.
 */
const ENTRY_OVERHEAD = 40;
/** The LRU stamps' resolution in ms. */
const STAMP_MS = 100;
/** LAZYFREE_THRESHOLD (64 allocations) as bytes: 64 small elements of a hash table. */
const LAZYFREE_BYTES = 64 * 64;
/**
 * A quicklist frees a node at a time (8 KB of entries at the default list-max-listpack-size):
 * Redis counts its nodes, so a list is freed lazily past 64 nodes of entries.
 */
const LAZYFREE_QUICKLIST_BYTES = 64 * 8 * 1024;
/** Encodings Redis frees in one allocation, never lazily. */
const PACKED = new Set(['listpack', 'intset', 'ziplist', 'embstr', 'int', 'raw']);

/** A one-byte string on the V8 heap: a 16-byte header, the bytes rounded up to 8. */
export function stringBytes(length: number): number {
  return 16 + ((length + 7) & ~7);
}

export class KeyspaceStats {
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredKeys = 0;
  /** Keys removed by maxmemory eviction (INFO evicted_keys). */
  evictedKeys = 0;
  /** Writes since the last save (Redis's server.dirty). */
  dirty = 0;
}

/** The databases, expiry and the change counters. */
@injectable()
export class Keyspace {
  readonly dbs: Database[] = [];
  readonly stats = new KeyspaceStats();
  /** Seconds clock (Redis's LRU_CLOCK, INFO lru_clock), refreshed by the server cron. */
  lruClock = Math.floor(Date.now() / 1000);
  /** Where the LRU stamps' clock starts: they count from the keyspace's creation, so they stay small integers. */
  private readonly epochMs = Date.now();
  /**
   * The LRU stamps' clock, in tenths of a second since `epochMs`, refreshed by the cron (at
   * hz): ten times finer than Redis's one-second LRU clock, so keys read a moment ago are told
   * apart from keys written a moment ago when a burst of writes evicts within one second.
   */
  lruStamp = 0;
  /** The LFU stamps' 16-bit minutes clock, refreshed with lruClock. */
  lfuClock = lfuMinutes(this.lruClock);
  /** What each key costs besides its name and value bytes (used_memory_overhead's per-key part). */
  readonly entryOverhead = ENTRY_OVERHEAD;
  /** An LFU maxmemory policy is selected: access stamps count frequency instead of recency. */
  lfu = false;
  /** `lfu-log-factor` and `lfu-decay-time`, set by the module that owns them. */
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /**
   * lazyfree-lazy-expire and lazyfree-lazy-server-del: values removed by expiry, or replaced
   * by a write (SET over a collection, RENAME over a key), go through lazyFree.
   */
  lazyExpire = false;
  lazyServerDel = false;
  /** Values and keys handed to lazyFree, released at the next turn (lazyfree_pending_objects). */
  private lazyPending: unknown[] = [];
  private lazyPendingKeys = 0;
  /** Objects lazyFree released (lazyfreed_objects). */
  lazyfreed = 0;
  /**
   * Whether key creation fires the `new` keyspace event (class n): only when asked for (the
   * pub/sub module, while notify-keyspace-events has n), so creating a key costs nothing more.
   */
  newKeyEvents = false;
  /** Off while loading data or on a replica: keys then expire only when the source says so. */
  expiryEnabled = true;
  /**
   * While expiry is off, whether keys past their TTL still count as present: a replica hides
   * them from its clients but applies its master's commands to them (expireIfNeeded's
   * `current_client == server.master` case), since the master decides when they go.
   */
  expiredVisible = false;
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the active cycle off; lazy expiry still runs. */
  activeExpireEnabled = true;

  constructor(
    @inject(Hooks) private readonly hooks: Hooks,
    @inject(TypeRegistry) readonly types: TypeRegistry,
    @inject(Journal) readonly journal: Journal,
  ) {}

  /** Create the databases (`databases` config). */
  init(count: number): void {
    this.dbs.length = 0;
    for (let i = 0; i < count; i++) this.dbs.push(new Database(i, this));
  }

  db(index: number): Database {
    return this.dbs[index];
  }

  /** The server cron's clock update (ms since the epoch). */
  setClock(nowMs: number): void {
    this.lruClock = Math.floor(nowMs / 1000);
    this.lruStamp = Math.floor((nowMs - this.epochMs) / STAMP_MS);
    this.lfuClock = lfuMinutes(this.lruClock);
  }

  /** The access stamp of a new key. */
  newStamp(): number {
    return this.lfu ? (this.lfuClock << 8) | LFU_INIT_VAL : this.lruStamp;
  }

  /** The stamp `lru` becomes on an access (lookupKey's LRU/LFU update). */
  touched(lru: number): number {
    return this.lfu ? lfuTouch(lru, this.lfuClock, this.lfuDecayTime, this.lfuLogFactor) : this.lruStamp;
  }

  /**
   * objectSetLRUOrLFU: a loaded or restored key's stamp from its saved idle seconds (LRU
   * policies) or frequency (LFU policies); -1 means not given, and the stamp stays as made.
   */
  restoreStamp(db: Database, key: string, idle: number, freq: number): void {
    if (this.lfu) {
      if (freq >= 0) db.setStamp(key, (this.lfuClock << 8) | freq);
    } else if (idle >= 0) {
      db.setStamp(key, this.stampIdle(idle));
    }
  }

  /** OBJECT FREQ: the decayed LFU counter of a stamp. */
  frequency(lru: number): number {
    return lfuCounter(lru, this.lfuClock, this.lfuDecayTime);
  }

  /** OBJECT IDLETIME in seconds (estimateObjectIdleTime of an LRU stamp). */
  idleSeconds(lru: number): number {
    return this.lruStamp > lru ? Math.floor((this.lruStamp - lru) / (1000 / STAMP_MS)) : 0;
  }

  /** The LRU stamp of a key idle for `seconds` (RESTORE IDLETIME, the RDB's LRU records). */
  stampIdle(seconds: number): number {
    return this.lruStamp - Math.min(seconds, 1e8) * (1000 / STAMP_MS);
  }

  /** Estimated bytes of a stored key: its entry, the key and the value (the type's `memory`). */
  sizeOf(key: string, value: unknown, samples?: number): number {
    let v: number;
    if (typeof value === 'string') v = stringBytes(value.length);
    else if (typeof value === 'number') v = 16;
    else {
      const t = this.types.of(value);
      v = t.memory !== undefined ? t.memory(value, samples) : 64;
    }
    return ENTRY_OVERHEAD + stringBytes(key.length) + v;
  }

  /**
   * dbAsyncDelete's test: a value worth freeing off the command's path. Redis counts the
   * allocations to free (elements of a hash table or skip list, nodes of a quicklist, more than
   * 64); here a value not in a packed encoding whose estimate passes 64 small elements, or 64
   * quicklist nodes for a list.
   */
  worthLazyFree(value: unknown, size: number): boolean {
    if (typeof value !== 'object' || size <= LAZYFREE_BYTES) return false;
    const encoding = this.types.of(value).encoding(value);
    return encoding === 'quicklist' ? size > LAZYFREE_QUICKLIST_BYTES : !PACKED.has(encoding);
  }

  /**
   * Release a removed value off the command's path (UNLINK, FLUSHALL ASYNC, lazyfree-lazy-*):
   * the keyspace keeps it until the next event-loop turn, then drops it for V8's collector,
   * which frees it concurrently. `keys` counts a whole database emptied at once.
   */
  lazyFree(value: unknown, keys = 0): void {
    if (this.lazyPending.length === 0 && this.lazyPendingKeys === 0) setImmediate(this.releaseLazy);
    if (keys !== 0) this.lazyPendingKeys += keys;
    else this.lazyPending.push(value);
  }

  get lazyfreePending(): number {
    return this.lazyPending.length + this.lazyPendingKeys;
  }

  private readonly releaseLazy = (): void => {
    this.lazyfreed += this.lazyfreePending;
    this.lazyPending = [];
    this.lazyPendingKeys = 0;
  };

  /** Estimated bytes of every database's entries. */
  get datasetBytes(): number {
    let n = 0;
    for (const db of this.dbs) n += db.bytes;
    return n;
  }

  /** Measure the values changed in place (collections), until `deadline` (ms). */
  remeasure(deadline: number): void {
    for (const db of this.dbs) if (db.unmeasured && !db.remeasure(deadline)) return;
  }

  /**
   * A key was evicted (maxmemory): counted, signalled as modified, the `evicted` keyspace
   * event, and propagated as DEL (UNLINK when `lazy`) to the AOF and replicas.
   */
  keyEvicted(db: Database, key: string, lazy: boolean): void {
    this.stats.evictedKeys++;
    this.hooks.emitKeyModified(db, key);
    this.hooks.emitKeyspaceEvent(Notify.EVICTED, 'evicted', key, db.id);
    this.journal.append(db.id, [lazy ? 'UNLINK' : 'DEL', key]);
  }

  /** dbAdd: a key was created (the `new` keyspace event, class n). */
  keyAdded(db: Database, key: string): void {
    this.hooks.emitKeyspaceEvent(Notify.NEW, 'new', key, db.id);
  }

  /** A key reached its TTL: tell everyone who cares and propagate the deletion. */
  keyExpired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.hooks.emitKeyspaceEvent(Notify.EXPIRED, 'expired', key, db.id);
    this.hooks.emitKeyModified(db, key);
    this.journal.append(db.id, ['DEL', key]);
  }

  /**
   * Redis's activeExpireCycle (slow mode): sample 20 keys with a TTL per database per round,
   * repeat while more than 10% of a sample had expired, within `budgetMs`.
   */
  activeExpireCycle(budgetMs: number): void {
    if (!this.expiryEnabled || !this.activeExpireEnabled) return;
    const start = Date.now();
    for (const db of this.dbs) {
      if (db.expires.size === 0) continue;
      for (;;) {
        const [examined, expired] = db.expireSample(20, Date.now());
        if (examined === 0 || expired * 10 <= examined) break;
        if (Date.now() - start >= budgetMs) return;
      }
    }
  }

  /** A write is about to touch `key` (null: all of `db`): see Hooks.onBeforeWrite. */
  willWrite(db: Database, key: string | null): void {
    if (this.hooks.guardingWrites) this.hooks.emitBeforeWrite(db, key);
  }

  /** Empty one database, or all with -1; `async` frees the values off the command's path (FLUSHALL ASYNC). */
  flush(dbid: number, async = false): number {
    let removed = 0;
    for (const db of dbid < 0 ? this.dbs : [this.dbs[dbid]]) {
      removed += db.size;
      db.clear();
    }
    if (async && removed !== 0) this.lazyFree(null, removed);
    this.hooks.emitFlush(dbid);
    return removed;
  }
}
