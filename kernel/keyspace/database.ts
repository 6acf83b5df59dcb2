import { Errors } from '../errors';
import { KeyTable } from './table';
import type { DataType } from './types';
import type { Keyspace } from './keyspace';

/**
 * A collection whose estimate is under this many bytes is measured again as soon as a write
 * changes it in place (its type's estimate is cheap then); a larger one waits for the
 * background remeasure, so a write to a large collection does not pay for measuring it.
 */
const MEASURE_NOW_BYTES = 1024;

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT: a longer string is raw whatever made it. */
export const EMBSTR_SIZE_LIMIT = 44;
/** What remembering a raw string costs (an entry of a V8 Set at its load factor), counted in used_memory. */
const RAW_MARK_BYTES = 32;

/**
 * One logical database: a KeyTable of key -> value with each key's access stamp and size, and
 * a separate expiry map (for sampling expired keys). SCAN cursors are the table's, valid while
 * the keyspace grows or shrinks.
 */
export class Database {
  private dict = new KeyTable<unknown>();
  /** Absolute expiry in ms, for keys that have one. */
  readonly expires = new Map<string, number>();
  /** Rotating position of the active expiry cycle. */
  private expireCursor: Iterator<[string, number]> | null = null;
  /** Rotating position of eviction's sampling of keys with a TTL (volatile policies). */
  private evictCursor: Iterator<string> | null = null;
  /** Estimated bytes of every key (the sum of their sizes). */
  bytes = 0;
  /** The key set() created last, until the write's `changed` sees it (its creation is no access). */
  private created: string | null = null;
  /**
   * The key peek(), get() or set() found or stored last, and its row, until a removal moves
   * rows (only a removal does): a write reads its key, stores it and marks it changed
   * (Client.modified), and only the first of those looks it up.
   */
  private lastKey: string | null = null;
  private lastRow = -1;
  /** Keys whose value changed in place since it was last measured (remeasure). */
  private resized = new Set<string>();
  /**
   * The key changed() added to `resized` last, while it is still there: a stream taking a
   * pipeline of XADDs is marked once, not hashed into the set again for each entry.
   */
  private lastResized: string | null = null;
  /**
   * Keys whose string Redis would hold as a plain sds: "raw" however short, because a command
   * changed it in place (APPEND, SETRANGE, SETBIT, PFADD, ...) rather than storing a new value.
   * Storing or removing the key forgets it; RENAME, MOVE and COPY carry it (markRaw). Only
   * strings short enough to be embstr are kept.
   */
  private rawStrings = new Set<string>();

  constructor(
    readonly id: number,
    private readonly keyspace: Keyspace,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  /** The value of a live key (expiring it lazily if due), or undefined. Counts hits and misses. */
  get(key: string): unknown {
    const d = this.dict;
    const r = d.row(key);
    if (r < 0) {
      this.keyspace.stats.keyspaceMisses++;
      return undefined;
    }
    if (this.expires.size !== 0 && this.expireIfDue(key)) {
      this.keyspace.stats.keyspaceMisses++;
      return undefined;
    }
    this.keyspace.stats.keyspaceHits++;
    d.setStampAt(r, this.keyspace.touched(d.stampAt(r)));
    this.lastKey = key;
    this.lastRow = r;
    return d.valueAt(r);
  }

  /** The value if it is of `type`; undefined if missing; WRONGTYPE otherwise. */
  getTyped<V>(key: string, type: DataType<V>): V | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!type.is(v)) throw Errors.wrongType;
    return v;
  }

  /** Like get() but touches no statistics or LRU (for internal reads: TYPE, EXISTS, SCAN filters). */
  peek(key: string): unknown {
    const d = this.dict;
    const r = d.row(key);
    if (r < 0) return undefined;
    if (this.expires.size !== 0 && this.expireIfDue(key)) return undefined;
    this.lastKey = key;
    this.lastRow = r;
    return d.valueAt(r);
  }

  /** The value as stored, expired or not, touching nothing (snapshots read through this). */
  peekStored(key: string): unknown {
    return this.dict.get(key);
  }

  /**
   * The key's access stamp as stored (Redis's 24-bit lru field, see lru.ts): the LRU clock of
   * the last access under an LRU policy, minutes and a logarithmic counter under an LFU one.
   * Undefined for a missing key.
   */
  stamp(key: string): number | undefined {
    const r = this.dict.row(key);
    return r < 0 ? undefined : this.dict.stampAt(r);
  }

  /** Replace a stored key's access stamp (a moved or restored key keeps its own). */
  setStamp(key: string, stamp: number): void {
    const r = this.dict.row(key);
    if (r >= 0) this.dict.setStampAt(r, stamp);
  }

  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /**
   * Store a value. Like Redis's setKey, an existing TTL is dropped unless keepTtl.
   * The caller signals the modification (ctx.modified).
   */
  set(key: string, value: unknown, keepTtl = false): void {
    this.keyspace.willWrite(this, key);
    const ks = this.keyspace;
    const d = this.dict;
    const size = ks.sizeOf(key, value);
    const r = key === this.lastKey ? this.lastRow : d.row(key);
    if (r >= 0) {
      const old = d.valueAt(r);
      const oldSize = d.sizeAt(r);
      if (ks.lazyServerDel && old !== value && ks.worthLazyFree(old, oldSize)) ks.lazyFree(old);
      d.setValueAt(r, value);
      if (this.rawStrings.size !== 0) this.forgetRaw(key);
      // dbSetValue: an LFU counter survives an overwrite, an LRU stamp is renewed.
      if (!ks.lfu) d.setStampAt(r, ks.lruStamp);
      this.bytes += d.setSizeAt(r, size) - oldSize;
      if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
      this.lastKey = key;
      this.lastRow = r;
      return;
    }
    const row = d.insert(key, value, ks.newStamp());
    this.bytes += d.setSizeAt(row, size);
    this.created = key;
    this.lastKey = key;
    this.lastRow = row;
    if (ks.newKeyEvents) ks.keyAdded(this, key);
  }

  /** Make room for `n` keys in all (a size hint from a file being loaded). */
  reserve(n: number): void {
    this.dict.reserve(n);
  }

  /**
   * Store new keys (loading data): keys[0..n) with values[0..n), in a batch (KeyTable.insertMany).
   * Returns how many were stored before the first one present already (n: all).
   */
  addMany(keys: string[], values: unknown[], n: number): number {
    const d = this.dict;
    const ks = this.keyspace;
    const first = d.size;
    const added = d.insertMany(keys, values, n, ks.newStamp());
    for (let k = 0; k < added; k++) {
      this.bytes += d.setSizeAt(first + k, ks.sizeOf(keys[k], values[k]));
      if (ks.newKeyEvents) ks.keyAdded(this, keys[k]);
    }
    return added;
  }

  /**
   * Remove a key. Returns whether it existed (expired keys count as missing). `lazy` (UNLINK)
   * frees a large value off the command's path (Keyspace.lazyFree).
   */
  delete(key: string, lazy = false): boolean {
    if (this.dict.row(key) < 0) return false;
    if (this.expires.size !== 0 && this.expireIfDue(key)) return false;
    this.remove(key, lazy);
    return true;
  }

  /** Remove a stored key. */
  private remove(key: string, lazy = false): void {
    const d = this.dict;
    if (lazy) {
      const r = d.row(key);
      const v = d.valueAt(r);
      // A collection changed since it was last measured is measured now: its size decides.
      const size = this.resized.has(key) ? this.keyspace.sizeOf(key, v) : d.sizeAt(r);
      if (this.keyspace.worthLazyFree(v, size)) this.keyspace.lazyFree(v);
    }
    this.keyspace.willWrite(this, key);
    // Looked up after the hook, which may read the keyspace.
    const r = d.row(key);
    this.bytes -= d.sizeAt(r);
    d.removeRow(r);
    this.lastKey = null;
    if (this.expires.size !== 0) this.expires.delete(key);
    if (key === this.created) this.created = null;
    // Whatever the value is now: one changed in place may since have been replaced by a string.
    if (this.resized.size !== 0) this.resized.delete(key);
    if (key === this.lastResized) this.lastResized = null;
    if (this.rawStrings.size !== 0) this.forgetRaw(key);
  }

  /**
   * A value changed in place (a collection grew or shrank): measure it again at the next
   * Keyspace.remeasure, so used_memory follows it, and count the write as an access.
   */
  changed(key: string): void {
    const d = this.dict;
    const r = key === this.lastKey ? this.lastRow : d.row(key);
    if (r < 0) return;
    const v = d.valueAt(r);
    if (typeof v !== 'object') return;
    const old = d.sizeAt(r);
    if (old < MEASURE_NOW_BYTES) this.bytes += d.setSizeAt(r, this.keyspace.sizeOf(key, v)) - old;
    else if (key !== this.lastResized) {
      this.resized.add(key);
      this.lastResized = key;
    }
    // A write's lookup is an access (lookupKeyWrite): collections changed in place are read
    // through peek, which leaves the stamp alone. The key this write created is not accessed.
    if (key === this.created) this.created = null;
    else d.setStampAt(r, this.keyspace.touched(d.stampAt(r)));
  }

  /** The key's string, `length` bytes, is now a raw one in Redis (see rawStrings); call after storing it. */
  markRaw(key: string, length: number): void {
    if (length > EMBSTR_SIZE_LIMIT || this.rawStrings.has(key)) return;
    this.rawStrings.add(key);
    this.bytes += RAW_MARK_BYTES;
  }

  private forgetRaw(key: string): void {
    if (this.rawStrings.delete(key)) this.bytes -= RAW_MARK_BYTES;
  }

  /** Whether the key's string is a raw one in Redis. */
  isRaw(key: string): boolean {
    return this.rawStrings.size !== 0 && this.rawStrings.has(key);
  }

  /** OBJECT ENCODING of the key's stored `value`: its type's answer, unless a raw string. */
  encodingOf(key: string, value: unknown): string {
    return this.isRaw(key) ? 'raw' : this.keyspace.types.of(value).encoding(value);
  }

  /** Whether values changed in place wait to be measured. */
  get unmeasured(): boolean {
    return this.resized.size !== 0;
  }

  /** Measure the entries changed in place; false when `deadline` (ms) came first. */
  remeasure(deadline: number): boolean {
    let n = 0;
    this.lastResized = null;
    for (const key of this.resized) {
      this.resized.delete(key);
      const d = this.dict;
      const r = d.row(key);
      if (r < 0) continue;
      const old = d.sizeAt(r);
      this.bytes += d.setSizeAt(r, this.keyspace.sizeOf(key, d.valueAt(r))) - old;
      if ((++n & 15) === 0 && Date.now() >= deadline) return false;
    }
    return true;
  }

  /**
   * Up to `count` keys for eviction to consider, from the whole keyspace or only those with a
   * TTL (`volatile`): random for the first; for the second a window of the expiry map starting
   * a few steps further than the last one (a Map has no random access), so over time every
   * key with a TTL is seen.
   */
  sampleKeys(count: number, volatile: boolean, out: string[]): void {
    if (!volatile) {
      // At most as many draws as keys: maxmemory-samples may be set up to 2^31-1.
      const n = Math.min(count, this.dict.size);
      for (let i = 0; i < n; i++) {
        const k = this.dict.randomKey();
        if (k === undefined) return;
        out.push(k);
      }
      return;
    }
    const n = Math.min(count, this.expires.size);
    let skip = Math.floor(Math.random() * 4);
    for (let i = 0; i < n; ) {
      this.evictCursor ??= this.expires.keys();
      const r = this.evictCursor.next();
      if (r.done) {
        this.evictCursor = null;
        continue;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push(r.value);
      i++;
    }
  }

  /** Remove a key chosen by eviction (expired or not: it is stored); `lazy`: lazyfree-lazy-eviction. */
  evict(key: string, lazy: boolean): boolean {
    if (this.dict.row(key) < 0) return false;
    this.remove(key, lazy);
    return true;
  }

  /** Absolute expiry time in ms, or -1. */
  getExpire(key: string): number {
    return this.expires.get(key) ?? -1;
  }

  setExpire(key: string, whenMs: number): void {
    this.keyspace.willWrite(this, key);
    this.expires.set(key, whenMs);
  }

  /** Drop a key's TTL; returns whether it had one. */
  persist(key: string): boolean {
    if (this.expires.has(key)) this.keyspace.willWrite(this, key);
    return this.expires.delete(key);
  }

  /** Whether a key's TTL has passed (without deleting it). */
  isExpired(key: string): boolean {
    const t = this.expires.get(key);
    return t !== undefined && t <= Date.now();
  }

  /** Lazy expiry: delete the key if its time has come. */
  private expireIfDue(key: string): boolean {
    const t = this.expires.get(key);
    if (t === undefined || t > Date.now()) return false;
    if (!this.keyspace.expiryEnabled) return !this.keyspace.expiredVisible;
    this.expireNow(key);
    return true;
  }

  private expireNow(key: string): void {
    if (this.dict.row(key) < 0) return;
    this.remove(key, this.keyspace.lazyExpire);
    this.keyspace.keyExpired(this, key);
  }

  /** All live keys (a snapshot array: callers may modify the keyspace while using it). */
  keys(): string[] {
    const now = Date.now();
    const out: string[] = [];
    for (const k of this.dict.keys()) {
      const t = this.expires.size !== 0 ? this.expires.get(k) : undefined;
      if (t === undefined || t > now) out.push(k);
    }
    return out;
  }

  /**
   * One SCAN step: call `fn` for live keys from `cursor` until about `count` keys were found.
   * Returns the next cursor (0 when done). Keys present for the whole scan are seen at least
   * once; a key is not seen twice by a scan whose cursors only go forward (KeyTable.scan).
   */
  scan(cursor: number, count: number, fn: (key: string) => void): number {
    const now = Date.now();
    return this.dict.scan(cursor, count, (k) => {
      const t = this.expires.size !== 0 ? this.expires.get(k) : undefined;
      if (t === undefined || t > now) fn(k);
    });
  }

  /**
   * The stored keys as rows 0..size-1, for a walk in memory order (a snapshot's): a removal
   * moves the last row into the removed one's place, an insertion adds a last row. -1: absent.
   */
  rowOf(key: string): number {
    return this.dict.row(key);
  }

  keyAt(row: number): string {
    return this.dict.keyAt(row);
  }

  valueAt(row: number): unknown {
    return this.dict.valueAt(row);
  }

  /** A random live key, or null (RANDOMKEY). Expired keys met on the way are deleted. */
  randomKey(): string | null {
    for (let tries = 0; tries < 100; tries++) {
      const k = this.dict.randomKey();
      if (k === undefined) return null;
      if (this.expires.size !== 0 && this.expireIfDue(k)) continue;
      return k;
    }
    return null;
  }

  /** Remove every key. */
  clear(): void {
    this.keyspace.willWrite(this, null);
    this.dict.clear();
    this.expires.clear();
    this.expireCursor = null;
    this.evictCursor = null;
    this.bytes = 0;
    this.resized.clear();
    this.lastResized = null;
    this.rawStrings.clear();
    this.created = null;
    this.lastKey = null;
  }

  /** Swap contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    this.keyspace.willWrite(this, null);
    this.keyspace.willWrite(other, null);
    const fields = ['dict', 'expires', 'expireCursor', 'evictCursor', 'bytes', 'resized', 'rawStrings', 'created'] as const;
    for (const f of fields) {
      const a = (this as unknown as Record<string, unknown>)[f];
      (this as unknown as Record<string, unknown>)[f] = (other as unknown as Record<string, unknown>)[f];
      (other as unknown as Record<string, unknown>)[f] = a;
    }
    this.lastKey = null;
    other.lastKey = null;
    this.lastResized = null;
    other.lastResized = null;
  }

  /**
   * Active expiry: sample keys with a TTL and delete the expired ones, at most `budget`
   * keys examined. Returns how many of the examined keys had expired.
   */
  expireSample(budget: number, now: number): [examined: number, expired: number] {
    let examined = 0;
    let expired = 0;
    if (this.expires.size === 0) return [0, 0];
    this.expireCursor ??= this.expires.entries();
    while (examined < budget) {
      const n = this.expireCursor.next();
      if (n.done) {
        this.expireCursor = this.expires.entries();
        if (examined === 0 && this.expires.size === 0) break;
        if (examined >= this.expires.size) break;
        continue;
      }
      examined++;
      const [key, t] = n.value;
      if (t <= now) {
        this.expireNow(key);
        expired++;
      }
    }
    return [examined, expired];
  }
}
