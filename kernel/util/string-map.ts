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

  private find(key: string, h: number): number {
    const hashes = this.hashes;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const x = hashes[i];
      if (x === 0) return -1;
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
 * Per-process seed, so which keys collide is not fixed in advance. This is a fast seeded hash,
 * not a keyed PRF like Redis's SipHash: it raises the bar for hash flooding, it does not rule
 * it out.
 */
const SEED = (Math.random() * 0x100000000) | 0;

/** FNV-1a over the char codes from a random basis, then murmur3's finaliser for the low bits. */
export function hashString(s: string): number {
  let h = SEED ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h === 0 ? 1 : h;
}
