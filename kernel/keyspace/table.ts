import { hashString } from '../util/string-map';

/**
 * The keyspace's table: key -> value plus two small integers a key carries (its access stamp
 * and its estimated size), with no object per key. A key costs its share of:
 *   - `index`, open addressing with linear probing over positions in the dense arrays (4 bytes
 *     a slot, at most half full, backward-shift deletion);
 *   - the dense arrays, one row per key in no particular order: `kv` (the key and the value
 *     side by side, so a hit reads one cache line) and `meta` (the key's hash, stamp and size,
 *     three 32-bit integers). A removed key's row is filled with the last row.
 * The dense arrays grow by half when full (and are cut to fit when the index shrinks), so they
 * are 67-100% used; the index has at least twice as many slots as keys. A key costs about 35-50
 * bytes besides its name and value (an Entry object, a map slot and an insertion index slot
 * cost 118).
 *
 * SCAN walks the index by home slot (hash & mask) in Redis's reverse-binary cursor order
 * (dictScan): a key's home slot depends only on its hash, not on where probing put it, so the
 * guarantees of Redis's SCAN hold however the table grows or shrinks between calls. Random
 * sampling picks a dense row: uniform and O(1).
 */
export class KeyTable<V> {
  /** Dense row + 1 of the key whose probe sequence passes here; 0 for an empty slot. */
  private index: Int32Array;
  private mask: number;
  /** Key of row r at 2r, its value at 2r + 1. */
  private kv: unknown[];
  /** Hash of row r at 3r, access stamp at 3r + 1, size at 3r + 2 (see encodeSize). */
  private meta: Int32Array;
  private count = 0;
  /** The keys one scan step found, handed out after the walk (the callback may change the table). */
  private readonly found: string[] = [];
  /** insertMany's hashes of a batch. */
  private hashes = new Int32Array(0);
  /** What insertMany's early reads found: stored, so the compiler keeps the reads. */
  touched = 0;

  constructor() {
    this.index = new Int32Array(8);
    this.mask = 7;
    this.kv = new Array<unknown>(8).fill(undefined);
    this.meta = new Int32Array(12);
  }

  get size(): number {
    return this.count;
  }

  /** The row of `key`, or -1. */
  row(key: string): number {
    const h = hashString(key);
    const index = this.index;
    const meta = this.meta;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const r = index[i] - 1;
      if (r < 0) return -1;
      if (meta[3 * r] === h && this.kv[2 * r] === key) return r;
    }
  }

  get(key: string): V | undefined {
    const r = this.row(key);
    return r < 0 ? undefined : (this.kv[2 * r + 1] as V);
  }

  keyAt(r: number): string {
    return this.kv[2 * r] as string;
  }

  valueAt(r: number): V {
    return this.kv[2 * r + 1] as V;
  }

  setValueAt(r: number, value: V): void {
    this.kv[2 * r + 1] = value;
  }

  stampAt(r: number): number {
    return this.meta[3 * r + 1];
  }

  setStampAt(r: number, stamp: number): void {
    this.meta[3 * r + 1] = stamp;
  }

  /** The size stored for row r, as accounted (decodeSize). */
  sizeAt(r: number): number {
    return decodeSize(this.meta[3 * r + 2]);
  }

  /** Store a size for row r; returns what it counts for (the size, rounded when above 2 GiB). */
  setSizeAt(r: number, size: number): number {
    const s = encodeSize(size);
    this.meta[3 * r + 2] = s;
    return decodeSize(s);
  }

  /** Add a key known to be absent; returns its row. */
  insert(key: string, value: V, stamp: number): number {
    const h = hashString(key);
    if ((this.count + 1) * 2 > this.index.length) this.rehash(this.index.length * 2);
    if (this.count * 2 === this.kv.length) this.moveRows(Math.ceil(this.count * 1.5));
    const mask = this.mask;
    let i = h & mask;
    while (this.index[i] !== 0) i = (i + 1) & mask;
    return this.fill(i, h, key, value, stamp);
  }

  /**
   * Add keys[0..n) with values[0..n) (loading data): how many were added before the first key
   * already present (n: all). The batch's index slots, and the rows they point at, are read
   * together before any insertion, so their cache misses overlap instead of coming one key at
   * a time (a large table's index is far bigger than the caches).
   */
  insertMany(keys: string[], values: V[], n: number, stamp: number): number {
    let cap = this.index.length;
    while ((this.count + n) * 2 > cap) cap *= 2;
    if (cap > this.index.length) this.rehash(cap);
    if ((this.count + n) * 2 > this.kv.length) this.moveRows(Math.max(this.count + n, Math.ceil(this.count * 1.5)));
    if (this.hashes.length < n) this.hashes = new Int32Array(n);
    const hashes = this.hashes;
    const index = this.index;
    const meta = this.meta;
    const kv = this.kv;
    const mask = this.mask;
    let touched = 0;
    for (let k = 0; k < n; k++) {
      const h = hashString(keys[k]);
      hashes[k] = h;
      touched |= index[h & mask];
    }
    for (let k = 0; k < n; k++) {
      const slot = index[hashes[k] & mask];
      if (slot !== 0) touched |= meta[3 * (slot - 1)];
    }
    this.touched = touched;
    for (let k = 0; k < n; k++) {
      const h = hashes[k];
      const key = keys[k];
      let i = h & mask;
      for (; index[i] !== 0; i = (i + 1) & mask) {
        const r = index[i] - 1;
        if (meta[3 * r] === h && kv[2 * r] === key) return k;
      }
      this.fill(i, h, key, values[k], stamp);
    }
    return n;
  }

  /** A new last row for `key` (hash h), pointed at by the empty index slot i. */
  private fill(i: number, h: number, key: string, value: V, stamp: number): number {
    const r = this.count++;
    this.kv[2 * r] = key;
    this.kv[2 * r + 1] = value;
    const meta = this.meta;
    meta[3 * r] = h;
    meta[3 * r + 1] = stamp;
    meta[3 * r + 2] = 0;
    this.index[i] = r + 1;
    return r;
  }

  /** Make room for `n` keys in all without further resizing. */
  reserve(n: number): void {
    let cap = this.index.length;
    while (cap < n * 2) cap *= 2;
    if (cap > this.index.length) this.rehash(cap);
    if (n * 2 > this.kv.length) this.moveRows(n);
  }

  /** Remove row r (from row()): the last row moves into its place. */
  removeRow(r: number): void {
    const index = this.index;
    const meta = this.meta;
    const mask = this.mask;
    let i = this.slotOf(r);
    // Backward shift: pull later slots of the run into the hole unless that would move one
    // before its home slot.
    for (let j = (i + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const home = meta[3 * (index[j] - 1)] & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        index[i] = index[j];
        i = j;
      }
    }
    index[i] = 0;
    const last = --this.count;
    const kv = this.kv;
    if (r !== last) {
      index[this.slotOf(last)] = r + 1;
      kv[2 * r] = kv[2 * last];
      kv[2 * r + 1] = kv[2 * last + 1];
      meta[3 * r] = meta[3 * last];
      meta[3 * r + 1] = meta[3 * last + 1];
      meta[3 * r + 2] = meta[3 * last + 2];
    }
    kv[2 * last] = undefined;
    kv[2 * last + 1] = undefined;
    if (index.length > 64 && this.count * 8 < index.length) {
      this.moveRows(Math.max(8, Math.ceil(this.count * 1.5)));
      this.rehash(index.length / 2);
    }
  }

  /** The index slot that holds row r. */
  private slotOf(r: number): number {
    const mask = this.mask;
    for (let i = this.meta[3 * r] & mask; ; i = (i + 1) & mask) if (this.index[i] === r + 1) return i;
  }

  clear(): void {
    this.index = new Int32Array(8);
    this.mask = 7;
    this.kv = new Array<unknown>(8).fill(undefined);
    this.meta = new Int32Array(12);
    this.count = 0;
  }

  /** The keys, as an array the caller may hold while modifying the table. */
  keys(): string[] {
    const out = new Array<string>(this.count);
    for (let r = 0; r < this.count; r++) out[r] = this.kv[2 * r] as string;
    return out;
  }

  /** A uniformly random key (undefined when empty). */
  randomKey(): string | undefined {
    return this.count === 0 ? undefined : (this.kv[2 * Math.floor(Math.random() * this.count)] as string);
  }

  /**
   * One SCAN step (dictScan): visit home slots from `cursor` in reverse-binary order until
   * `count` keys were found or 10 * count slots were visited, calling `fn` for each key found.
   * Returns the next cursor, 0 when done. Keys the cursor had passed already (met again after
   * the table shrank) are not visited twice.
   */
  scan(cursor: number, count: number, fn: (key: string) => void): number {
    let v = cursorBits(cursor);
    const from = reverse32(v);
    const found = this.found;
    let visits = count * 10;
    const index = this.index;
    const meta = this.meta;
    const kv = this.kv;
    const mask = this.mask;
    do {
      const home = v & mask;
      for (let i = home; index[i] !== 0; i = (i + 1) & mask) {
        const r = index[i] - 1;
        const h = meta[3 * r];
        if ((h & mask) === home && reverse32(h) >= from) found.push(kv[2 * r] as string);
      }
      // Increment the reversed cursor: the bits above the mask carry the addition out.
      v = reverse32((reverse32((v | ~mask) >>> 0) + 1) >>> 0);
    } while (v !== 0 && found.length < count && --visits > 0);
    try {
      for (let i = 0; i < found.length; i++) fn(found[i]);
    } finally {
      found.length = 0;
    }
    return v;
  }

  /** Reallocate the dense arrays with room for `rows` rows. */
  private moveRows(rows: number): void {
    const kv = this.kv;
    const meta = this.meta;
    this.kv = new Array<unknown>(2 * rows).fill(undefined);
    for (let i = 0; i < 2 * this.count; i++) this.kv[i] = kv[i];
    this.meta = new Int32Array(3 * rows);
    this.meta.set(meta.subarray(0, 3 * this.count));
  }

  /** Rebuild the index with `cap` slots. */
  private rehash(cap: number): void {
    this.index = new Int32Array(cap);
    this.mask = cap - 1;
    const index = this.index;
    const mask = this.mask;
    for (let r = 0; r < this.count; r++) {
      let i = this.meta[3 * r] & mask;
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = r + 1;
    }
  }
}

/**
 * The bits of a cursor the table reads (dictScan uses the low bits): the low 32 of one given
 * exactly, all ones for one past 2^53 (its low bits were rounded away; Redis's 2^64 - 1 is the
 * last home slot, where a scan ends).
 */
function cursorBits(cursor: number): number {
  return cursor < 2 ** 32 ? cursor >>> 0 : cursor < 2 ** 53 ? cursor % 2 ** 32 : 0xffffffff;
}

/** The 32 bits of x in reverse order, as an unsigned number. */
export function reverse32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

/**
 * A size in one 32-bit integer: bytes up to 2^31 - 1, beyond that minus the KiB (up to 2 TiB).
 * The accounting adds and removes the decoded figure, so a rounded size balances out.
 */
function encodeSize(n: number): number {
  return n <= 0x7fffffff ? n : -Math.min(Math.ceil(n / 1024), 0x7fffffff);
}

function decodeSize(s: number): number {
  return s >= 0 ? s : -s * 1024;
}
