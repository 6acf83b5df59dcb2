import { hashString } from '../util/string-map';

/** log2 of the rows a segment of the dense arrays holds once the first one is full-grown. */
const SEGMENT_BITS = 12;
const SEGMENT_ROWS = 1 << SEGMENT_BITS;
const ROW_MASK = SEGMENT_ROWS - 1;

/**
 * The keyspace's table: key -> value plus two small integers a key carries (its access stamp
 * and its estimated size), with no object per key. A key costs its share of:
 *   - `index`, open addressing with linear probing over positions in the dense arrays (4 bytes
 *     a slot, at most half full, backward-shift deletion). A slot holds the row + 1 in the bits
 *     under the mask and the key's hash above them, so a probe tells keys apart without
 *     reading the row's metadata (one cache miss fewer on the lookup's dependent chain);
 *   - the dense arrays, one row per key in no particular order: `kv` (the key and the value
 *     side by side, so a hit reads one cache line) and `meta` (the key's hash, stamp and size,
 *     three 32-bit integers). A removed key's row is filled with the last row.
 * The dense arrays are segments of SEGMENT_ROWS rows (the first grows by half up to that size,
 * so a small table stays small): a table past 4096 keys grows by a segment, with no copy, no
 * replaced array left for the collector (a table that doubled its one array left the old one,
 * two thirds of the new, as garbage resident until V8's next full collection) and no more than
 * one segment unused. A key costs about 30-45 bytes besides its name and value (an Entry
 * object, a map slot and an insertion index slot cost 118).
 *
 * SCAN walks the index by home slot (hash & mask) in Redis's reverse-binary cursor order
 * (dictScan): a key's home slot depends only on its hash, not on where probing put it, so the
 * guarantees of Redis's SCAN hold however the table grows or shrinks between calls. Random
 * sampling picks a dense row: uniform and O(1).
 */
export class KeyTable<V> {
  /**
   * 0 for an empty slot, else `(hash & ~mask) | (row + 1)` of the key whose probe sequence
   * passes here (the rows number at most half the slots, so row + 1 fits under the mask).
   */
  private index: Int32Array;
  private mask: number;
  /** Segments of rows: row r is row r & ROW_MASK of segment r >>> SEGMENT_BITS. Key of a segment's row i at 2i, its value at 2i + 1. */
  private kv: unknown[][];
  /** Hash of a segment's row i at 3i, access stamp at 3i + 1, size at 3i + 2 (see encodeSize). */
  private meta: Int32Array[];
  /** Rows the segments hold. */
  private capacity: number;
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
    this.kv = [newKv(4)];
    this.meta = [new Int32Array(12)];
    this.capacity = 4;
  }

  get size(): number {
    return this.count;
  }

  /** The row of `key`, or -1. */
  row(key: string): number {
    const h = hashString(key);
    const index = this.index;
    const mask = this.mask;
    const tag = h & ~mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = index[i];
      if (slot === 0) return -1;
      if ((slot & ~mask) === tag) {
        const r = (slot & mask) - 1;
        if (this.kv[r >>> SEGMENT_BITS][2 * (r & ROW_MASK)] === key) return r;
      }
    }
  }

  get(key: string): V | undefined {
    const r = this.row(key);
    return r < 0 ? undefined : (this.kv[r >>> SEGMENT_BITS][2 * (r & ROW_MASK) + 1] as V);
  }

  keyAt(r: number): string {
    return this.kv[r >>> SEGMENT_BITS][2 * (r & ROW_MASK)] as string;
  }

  valueAt(r: number): V {
    return this.kv[r >>> SEGMENT_BITS][2 * (r & ROW_MASK) + 1] as V;
  }

  setValueAt(r: number, value: V): void {
    this.kv[r >>> SEGMENT_BITS][2 * (r & ROW_MASK) + 1] = value;
  }

  stampAt(r: number): number {
    return this.meta[r >>> SEGMENT_BITS][3 * (r & ROW_MASK) + 1];
  }

  setStampAt(r: number, stamp: number): void {
    this.meta[r >>> SEGMENT_BITS][3 * (r & ROW_MASK) + 1] = stamp;
  }

  /** The size stored for row r, as accounted (decodeSize). */
  sizeAt(r: number): number {
    return decodeSize(this.meta[r >>> SEGMENT_BITS][3 * (r & ROW_MASK) + 2]);
  }

  /** Store a size for row r; returns what it counts for (the size, rounded when above 2 GiB). */
  setSizeAt(r: number, size: number): number {
    const s = encodeSize(size);
    this.meta[r >>> SEGMENT_BITS][3 * (r & ROW_MASK) + 2] = s;
    return decodeSize(s);
  }

  /** Add a key known to be absent; returns its row. */
  insert(key: string, value: V, stamp: number): number {
    const h = hashString(key);
    if ((this.count + 1) * 2 > this.index.length) this.rehash(this.index.length * 2);
    if (this.count === this.capacity) this.grow(this.count + 1);
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
    if (this.count + n > this.capacity) this.grow(this.count + n);
    if (this.hashes.length < n) this.hashes = new Int32Array(n);
    const hashes = this.hashes;
    const index = this.index;
    const mask = this.mask;
    let touched = 0;
    for (let k = 0; k < n; k++) {
      const h = hashString(keys[k]);
      hashes[k] = h;
      touched |= index[h & mask];
    }
    for (let k = 0; k < n; k++) {
      const slot = index[hashes[k] & mask];
      if (slot !== 0) {
        const r = (slot & mask) - 1;
        if (this.kv[r >>> SEGMENT_BITS][2 * (r & ROW_MASK)] === keys[k]) touched |= 1;
      }
    }
    this.touched = touched;
    for (let k = 0; k < n; k++) {
      const h = hashes[k];
      const key = keys[k];
      const tag = h & ~mask;
      let i = h & mask;
      for (let slot = index[i]; slot !== 0; i = (i + 1) & mask, slot = index[i]) {
        if ((slot & ~mask) !== tag) continue;
        const r = (slot & mask) - 1;
        if (this.kv[r >>> SEGMENT_BITS][2 * (r & ROW_MASK)] === key) return k;
      }
      this.fill(i, h, key, values[k], stamp);
    }
    return n;
  }

  /** A new last row for `key` (hash h), pointed at by the empty index slot i. */
  private fill(i: number, h: number, key: string, value: V, stamp: number): number {
    const r = this.count++;
    const at = r & ROW_MASK;
    const kv = this.kv[r >>> SEGMENT_BITS];
    kv[2 * at] = key;
    kv[2 * at + 1] = value;
    const meta = this.meta[r >>> SEGMENT_BITS];
    meta[3 * at] = h;
    meta[3 * at + 1] = stamp;
    meta[3 * at + 2] = 0;
    this.index[i] = (h & ~this.mask) | (r + 1);
    return r;
  }

  /** Make room for `n` keys in all without further resizing. */
  reserve(n: number): void {
    let cap = this.index.length;
    while (cap < n * 2) cap *= 2;
    if (cap > this.index.length) this.rehash(cap);
    if (n > this.capacity) this.grow(n);
  }

  /** Remove row r (from row()): the last row moves into its place. */
  removeRow(r: number): void {
    const index = this.index;
    const mask = this.mask;
    let i = this.slotOf(r);
    // Backward shift: pull later slots of the run into the hole unless that would move one
    // before its home slot.
    for (let j = (i + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashAt((index[j] & mask) - 1) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        index[i] = index[j];
        i = j;
      }
    }
    index[i] = 0;
    const last = --this.count;
    const lastKv = this.kv[last >>> SEGMENT_BITS];
    const lastAt = last & ROW_MASK;
    if (r !== last) {
      index[this.slotOf(last)] = (this.hashAt(last) & ~mask) | (r + 1);
      const kv = this.kv[r >>> SEGMENT_BITS];
      const meta = this.meta[r >>> SEGMENT_BITS];
      const lastMeta = this.meta[last >>> SEGMENT_BITS];
      const at = r & ROW_MASK;
      kv[2 * at] = lastKv[2 * lastAt];
      kv[2 * at + 1] = lastKv[2 * lastAt + 1];
      meta[3 * at] = lastMeta[3 * lastAt];
      meta[3 * at + 1] = lastMeta[3 * lastAt + 1];
      meta[3 * at + 2] = lastMeta[3 * lastAt + 2];
    }
    lastKv[2 * lastAt] = undefined;
    lastKv[2 * lastAt + 1] = undefined;
    // A segment goes once the one before it is half empty too, so a table at a segment's
    // boundary does not allocate and drop one at each insert and removal.
    const segments = this.kv.length;
    if (segments > 1 && this.count <= (segments - 2) * SEGMENT_ROWS + SEGMENT_ROWS / 2) {
      this.kv.pop();
      this.meta.pop();
      this.capacity -= SEGMENT_ROWS;
    }
    if (index.length > 64 && this.count * 8 < index.length) {
      if (this.kv.length === 1) this.resizeFirst(Math.max(4, Math.ceil(this.count * 1.5)));
      this.rehash(index.length / 2);
    }
  }

  /** The hash stored for row r. */
  private hashAt(r: number): number {
    return this.meta[r >>> SEGMENT_BITS][3 * (r & ROW_MASK)];
  }

  /** The index slot that holds row r. */
  private slotOf(r: number): number {
    const mask = this.mask;
    for (let i = this.hashAt(r) & mask; ; i = (i + 1) & mask) if ((this.index[i] & mask) === r + 1) return i;
  }

  clear(): void {
    this.index = new Int32Array(8);
    this.mask = 7;
    this.kv = [newKv(4)];
    this.meta = [new Int32Array(12)];
    this.capacity = 4;
    this.count = 0;
  }

  /** The keys, as an array the caller may hold while modifying the table. */
  keys(): string[] {
    const out = new Array<string>(this.count);
    for (let r = 0; r < this.count; r++) out[r] = this.keyAt(r);
    return out;
  }

  /** A uniformly random key (undefined when empty). */
  randomKey(): string | undefined {
    return this.count === 0 ? undefined : this.keyAt(Math.floor(Math.random() * this.count));
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
    const mask = this.mask;
    do {
      const home = v & mask;
      for (let i = home; index[i] !== 0; i = (i + 1) & mask) {
        const r = (index[i] & mask) - 1;
        const h = this.hashAt(r);
        if ((h & mask) === home && reverse32(h) >= from) found.push(this.keyAt(r));
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

  /** Room for at least `rows` rows: the first segment grown by half (up to full size), then whole segments. */
  private grow(rows: number): void {
    if (this.kv.length === 1 && this.capacity < SEGMENT_ROWS) {
      let first = this.capacity;
      while (first < rows && first < SEGMENT_ROWS) first = Math.min(SEGMENT_ROWS, Math.ceil(first * 1.5));
      this.resizeFirst(first);
    }
    while (this.capacity < rows) {
      this.kv.push(newKv(SEGMENT_ROWS));
      this.meta.push(new Int32Array(3 * SEGMENT_ROWS));
      this.capacity += SEGMENT_ROWS;
    }
  }

  /** Reallocate the first (and only) segment with room for `rows` rows. */
  private resizeFirst(rows: number): void {
    const kv = this.kv[0];
    const meta = this.meta[0];
    const next = newKv(rows);
    for (let i = 0; i < 2 * this.count; i++) next[i] = kv[i];
    const nextMeta = new Int32Array(3 * rows);
    nextMeta.set(meta.subarray(0, 3 * this.count));
    this.kv[0] = next;
    this.meta[0] = nextMeta;
    this.capacity = rows;
  }

  /** Rebuild the index with `cap` slots. */
  private rehash(cap: number): void {
    this.index = new Int32Array(cap);
    this.mask = cap - 1;
    const index = this.index;
    const mask = this.mask;
    for (let r = 0; r < this.count; r++) {
      const h = this.hashAt(r);
      let i = h & mask;
      while (index[i] !== 0) i = (i + 1) & mask;
      index[i] = (h & ~mask) | (r + 1);
    }
  }
}

/** A segment's key and value slots for `rows` rows, filled (a holey array would be a dictionary-prone kind). */
function newKv(rows: number): unknown[] {
  return new Array<unknown>(2 * rows).fill(undefined);
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
