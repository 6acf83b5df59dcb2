import { randomBytes } from 'crypto';

/**
 * A hash map from binary (latin1) strings to values, for the keyspace and large collections.
 *
 * V8's Map walks bucket chains that dereference every candidate key string; with a hundred
 * thousand keys each of those is a cache (and TLB) miss, and a lookup costs several of them.
 * Here the 32-bit hashes live in one typed array probed linearly, so a probe compares integers
 * in the same cache line and touches a key string only when its hash matches: a hit usually
 * costs the hash slot, the key/value slot pair and the key itself.
 *
 * Open addressing with linear probing, at most half full, backward-shift deletion (no
 * tombstones). Iteration order is unspecified and the map must not be modified while a
 * forEach runs; callers that modify while walking take a keys() snapshot.
 */
export class StringMap<V> {
  /** 0 marks an empty slot; a stored hash is never 0. */
  private hashes: Int32Array;
  /** Key of slot i at 2i, its value at 2i+1: one cache line usually holds both. */
  private slots: unknown[];
  private mask: number;
  private count = 0;
  /** The hash of the absent key the last probe() looked for. */
  private probed = 0;

  constructor(capacity = 8) {
    let cap = 8;
    while (cap < capacity * 2) cap *= 2;
    this.hashes = new Int32Array(cap);
    this.slots = new Array<unknown>(cap * 2).fill(undefined);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const i = this.find(key, hashString(key));
    return i < 0 ? undefined : (this.slots[2 * i + 1] as V);
  }

  has(key: string): boolean {
    return this.find(key, hashString(key)) >= 0;
  }

  /** Grow once to hold `n` entries without further resizing. */
  reserve(n: number): void {
    let cap = this.hashes.length;
    while (cap < n * 2) cap *= 2;
    if (cap > this.hashes.length) this.resize(cap);
  }

  /** Store a value; returns true when the key is new. */
  set(key: string, value: V): boolean {
    return this.put(key, value, true);
  }

  /** Store a value only if the key is absent; returns whether it was stored. */
  add(key: string, value: V): boolean {
    return this.put(key, value, false);
  }

  private put(key: string, value: V, overwrite: boolean): boolean {
    const h = hashString(key);
    const hashes = this.hashes;
    const mask = this.mask;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const x = hashes[i];
      if (x === 0) break;
      if (x === h && this.slots[2 * i] === key) {
        if (overwrite) this.slots[2 * i + 1] = value;
        return false;
      }
    }
    if ((this.count + 1) * 2 > hashes.length) {
      this.resize(hashes.length * 2);
      this.insertNew(key, value, h);
    } else {
      hashes[i] = h;
      this.slots[2 * i] = key;
      this.slots[2 * i + 1] = value;
    }
    this.count++;
    return true;
  }

  /**
   * Where `key` is: its slot (>= 0, see valueAt), or -1 - the empty slot it would take, which
   * insertAt fills without hashing or probing again (an absent key costs one lookup to add).
   */
  probe(key: string): number {
    const h = hashString(key);
    const i = this.find(key, h);
    if (i < 0) this.probed = h;
    return i;
  }

  /** The value in a slot probe() found. */
  valueAt(slot: number): V {
    return this.slots[2 * slot + 1] as V;
  }

  /** Store `key`, which the last probe() (returning `at` < 0) found absent; nothing may change the map in between. */
  insertAt(at: number, key: string, value: V): void {
    if ((this.count + 1) * 2 > this.hashes.length) {
      this.resize(this.hashes.length * 2);
      this.insertNew(key, value, this.probed);
    } else {
      const i = -1 - at;
      this.hashes[i] = this.probed;
      this.slots[2 * i] = key;
      this.slots[2 * i + 1] = value;
    }
    this.count++;
  }

  delete(key: string): boolean {
    let i = this.find(key, hashString(key));
    if (i < 0) return false;
    const hashes = this.hashes;
    const slots = this.slots;
    const mask = this.mask;
    // Backward shift: pull later entries of the run into the hole unless that would move
    // one before its home slot.
    for (let j = (i + 1) & mask; hashes[j] !== 0; j = (j + 1) & mask) {
      const home = hashes[j] & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        hashes[i] = hashes[j];
        slots[2 * i] = slots[2 * j];
        slots[2 * i + 1] = slots[2 * j + 1];
        i = j;
      }
    }
    hashes[i] = 0;
    slots[2 * i] = undefined;
    slots[2 * i + 1] = undefined;
    this.count--;
    if (hashes.length > 64 && this.count * 8 < hashes.length) this.resize(hashes.length / 2);
    return true;
  }

  clear(): void {
    this.hashes = new Int32Array(8);
    this.slots = new Array<unknown>(16).fill(undefined);
    this.mask = 7;
    this.count = 0;
  }

  forEach(fn: (value: V, key: string) => void): void {
    const hashes = this.hashes;
    const slots = this.slots;
    for (let i = 0; i < hashes.length; i++) if (hashes[i] !== 0) fn(slots[2 * i + 1] as V, slots[2 * i] as string);
  }

  /** The keys, as an array the caller may hold while modifying the map. */
  keys(): string[] {
    const out = new Array<string>(this.count);
    let n = 0;
    const hashes = this.hashes;
    for (let i = 0; i < hashes.length; i++) if (hashes[i] !== 0) out[n++] = this.slots[2 * i] as string;
    return out;
  }

  /** The slot of `key` (hash h), or -1 - the empty slot that ends its probe sequence. */
  private find(key: string, h: number): number {
    const hashes = this.hashes;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const x = hashes[i];
      if (x === 0) return -1 - i;
      if (x === h && this.slots[2 * i] === key) return i;
    }
  }

  private insertNew(key: string, value: unknown, h: number): void {
    const mask = this.mask;
    let i = h & mask;
    while (this.hashes[i] !== 0) i = (i + 1) & mask;
    this.hashes[i] = h;
    this.slots[2 * i] = key;
    this.slots[2 * i + 1] = value;
  }

  private resize(cap: number): void {
    const oldHashes = this.hashes;
    const oldSlots = this.slots;
    this.hashes = new Int32Array(cap);
    this.slots = new Array<unknown>(cap * 2).fill(undefined);
    this.mask = cap - 1;
    for (let i = 0; i < oldHashes.length; i++) {
      const h = oldHashes[i];
      if (h !== 0) this.insertNew(oldSlots[2 * i] as string, oldSlots[2 * i + 1], h);
    }
  }
}

/**
 * SipHash-1-2 (Redis's dict hash) with a 128-bit key drawn once per process, so neither reply
 * order nor timing tells a client which keys collide. A keyed PRF, unlike the seeded FNV-1a it
 * replaced, whose 32-bit seed could be recovered from KEYS order and then flooded.
 *
 * The 64-bit lanes are kept as 32-bit halves (no BigInt on the hot path): vNh/vNl. The string's
 * char codes are its bytes (keys are latin1).
 */
const KEY = randomBytes(16);
const K0L = KEY.readInt32LE(0);
const K0H = KEY.readInt32LE(4);
const K1L = KEY.readInt32LE(8);
const K1H = KEY.readInt32LE(12);

/**
 * The last string hashed and its hash: a write usually looks its key up before storing it
 * (and INCR reads, then writes), so the second hash is a string comparison.
 */
let lastString = '';
let lastHash = 1;
/** Longer strings are not remembered: the cache would keep a large argument alive after its client left. */
const LAST_STRING_MAX = 4096;

/** The 32-bit hash the maps use (never 0, which marks an empty slot). */
export function hashString(s: string): number {
  if (s === lastString) return lastHash;
  let h = sipHash12(K0L, K0H, K1L, K1H, s);
  if (h === 0) h = 1;
  if (s.length <= LAST_STRING_MAX) {
    lastString = s;
    lastHash = h;
  }
  return h;
}

/**
 * The low 32 bits of SipHash-1-2 of `s` under the key k0 = k0h:k0l, k1 = k1h:k1l.
 *
 * One round per 8-byte block, then the last (partial) block and the two finalisation rounds
 * written out: no branches in the block loop, and the last round computes only the halves the
 * low 32 bits of v0 ^ v1 ^ v2 ^ v3 depend on (~14% fewer instructions a hash than one loop
 * over blocks and one over finalisation rounds). An addition's carry out of a low half is
 * `+(sum >>> 0 < b >>> 0)`, which V8 compiles to a compare and setc (no branch). The round is
 * repeated rather than called: a function cannot hand back eight halves without an allocation.
 */
export function sipHash12(k0l: number, k0h: number, k1l: number, k1h: number, s: string): number {
  const len = s.length;
  const end = len & ~7;
  // "somepseudorandomlygeneratedbytes" xor the key.
  let v0h = k0h ^ 0x736f6d65;
  let v0l = k0l ^ 0x70736575;
  let v1h = k1h ^ 0x646f7261;
  let v1l = k1l ^ 0x6e646f6d;
  let v2h = k0h ^ 0x6c796765;
  let v2l = k0l ^ 0x6e657261;
  let v3h = k1h ^ 0x74656462;
  let v3l = k1l ^ 0x79746573;
  let t = 0;
  let u = 0;
  let mh = 0;
  let ml = 0;
  let p = 0;
  // SipRound in 32-bit halves (no BigInt on the hot path); the rotations by 32 are swaps.
  for (; p < end; p += 8) {
    ml = s.charCodeAt(p) | (s.charCodeAt(p + 1) << 8) | (s.charCodeAt(p + 2) << 16) | (s.charCodeAt(p + 3) << 24);
    mh = s.charCodeAt(p + 4) | (s.charCodeAt(p + 5) << 8) | (s.charCodeAt(p + 6) << 16) | (s.charCodeAt(p + 7) << 24);
    v3h ^= mh;
    v3l ^= ml;
    u = (v0l + v1l) | 0;
    v0h = (v0h + v1h + +((u >>> 0) < (v1l >>> 0))) | 0;
    v0l = u;
    t = (v1h << 13) | (v1l >>> 19);
    v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
    v1h = t ^ v0h;
    t = v0h;
    v0h = v0l;
    v0l = t;
    u = (v2l + v3l) | 0;
    v2h = (v2h + v3h + +((u >>> 0) < (v3l >>> 0))) | 0;
    v2l = u;
    t = (v3h << 16) | (v3l >>> 16);
    v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
    v3h = t ^ v2h;
    u = (v0l + v3l) | 0;
    v0h = (v0h + v3h + +((u >>> 0) < (v3l >>> 0))) | 0;
    v0l = u;
    t = (v3h << 21) | (v3l >>> 11);
    v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
    v3h = t ^ v0h;
    u = (v2l + v1l) | 0;
    v2h = (v2h + v1h + +((u >>> 0) < (v1l >>> 0))) | 0;
    v2l = u;
    t = (v1h << 17) | (v1l >>> 15);
    v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
    v1h = t ^ v2h;
    t = v2h;
    v2h = v2l;
    v2l = t;
    v0h ^= mh;
    v0l ^= ml;
  }
  // The last 0-7 bytes, little-endian, under the length's low byte.
  const rest = len - p;
  mh = len << 24;
  ml = 0;
  if (rest >= 4) {
    ml = s.charCodeAt(p) | (s.charCodeAt(p + 1) << 8) | (s.charCodeAt(p + 2) << 16) | (s.charCodeAt(p + 3) << 24);
    if (rest > 4) mh |= s.charCodeAt(p + 4);
    if (rest > 5) mh |= s.charCodeAt(p + 5) << 8;
    if (rest > 6) mh |= s.charCodeAt(p + 6) << 16;
  } else {
    if (rest > 0) ml = s.charCodeAt(p);
    if (rest > 1) ml |= s.charCodeAt(p + 1) << 8;
    if (rest > 2) ml |= s.charCodeAt(p + 2) << 16;
  }
  v3h ^= mh;
  v3l ^= ml;
  u = (v0l + v1l) | 0;
  v0h = (v0h + v1h + +((u >>> 0) < (v1l >>> 0))) | 0;
  v0l = u;
  t = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = t ^ v0h;
  t = v0h;
  v0h = v0l;
  v0l = t;
  u = (v2l + v3l) | 0;
  v2h = (v2h + v3h + +((u >>> 0) < (v3l >>> 0))) | 0;
  v2l = u;
  t = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = t ^ v2h;
  u = (v0l + v3l) | 0;
  v0h = (v0h + v3h + +((u >>> 0) < (v3l >>> 0))) | 0;
  v0l = u;
  t = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = t ^ v0h;
  u = (v2l + v1l) | 0;
  v2h = (v2h + v1h + +((u >>> 0) < (v1l >>> 0))) | 0;
  v2l = u;
  t = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = t ^ v2h;
  t = v2h;
  v2h = v2l;
  v2l = t;
  v0h ^= mh;
  v0l ^= ml;
  // Finalisation: two rounds.
  v2l ^= 0xff;
  u = (v0l + v1l) | 0;
  v0h = (v0h + v1h + +((u >>> 0) < (v1l >>> 0))) | 0;
  v0l = u;
  t = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = t ^ v0h;
  t = v0h;
  v0h = v0l;
  v0l = t;
  u = (v2l + v3l) | 0;
  v2h = (v2h + v3h + +((u >>> 0) < (v3l >>> 0))) | 0;
  v2l = u;
  t = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = t ^ v2h;
  u = (v0l + v3l) | 0;
  v0h = (v0h + v3h + +((u >>> 0) < (v3l >>> 0))) | 0;
  v0l = u;
  t = (v3h << 21) | (v3l >>> 11);
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  v3h = t ^ v0h;
  u = (v2l + v1l) | 0;
  v2h = (v2h + v1h + +((u >>> 0) < (v1l >>> 0))) | 0;
  v2l = u;
  t = (v1h << 17) | (v1l >>> 15);
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  v1h = t ^ v2h;
  t = v2h;
  v2h = v2l;
  v2l = t;
  // The last round: only what the low halves of the result need (v0's high half, v1's and
  // v3's after their last rotation, v2's low half after its swap are never read).
  u = (v0l + v1l) | 0;
  v0h = (v0h + v1h + +((u >>> 0) < (v1l >>> 0))) | 0;
  v0l = u;
  t = (v1h << 13) | (v1l >>> 19);
  v1l = ((v1l << 13) | (v1h >>> 19)) ^ v0l;
  v1h = t ^ v0h;
  t = v0h;
  v0h = v0l;
  v0l = t;
  u = (v2l + v3l) | 0;
  v2h = (v2h + v3h + +((u >>> 0) < (v3l >>> 0))) | 0;
  v2l = u;
  t = (v3h << 16) | (v3l >>> 16);
  v3l = ((v3l << 16) | (v3h >>> 16)) ^ v2l;
  v3h = t ^ v2h;
  v0l = (v0l + v3l) | 0;
  v3l = ((v3l << 21) | (v3h >>> 11)) ^ v0l;
  u = (v2l + v1l) | 0;
  v2h = (v2h + v1h + +((u >>> 0) < (v1l >>> 0))) | 0;
  v2l = u;
  v1l = ((v1l << 17) | (v1h >>> 15)) ^ v2l;
  return v0l ^ v1l ^ v2h ^ v3l;
}
