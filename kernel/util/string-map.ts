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
    const i = this.find(key, hashMember(key));
    return i < 0 ? undefined : (this.slots[2 * i + 1] as V);
  }

  has(key: string): boolean {
    return this.find(key, hashMember(key)) >= 0;
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
    const h = hashMember(key);
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
    const h = hashMember(key);
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
    let i = this.find(key, hashMember(key));
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
 * The rounds run in WebAssembly, which has 64-bit integers: in JavaScript each 64-bit add,
 * rotation and xor took several 32-bit operations and carries (no BigInt on the hot path), and
 * the rounds cost more than reading the string. JavaScript copies the string's bytes (its char
 * codes: keys are latin1) into the module's memory four at a time, then one call hashes them;
 * V8 inlines that call into optimised callers.
 *
 * Memory: the state the process key starts a hash in at 0 (v0..v3: the key xored with the
 * constants once, not at every hash), a caller's key's (sipHash12) at 32, the bytes from SIP_DATA.
 * A string longer than SIP_CHUNK goes in chunks, the state kept in the module between them.
 */
const SIP_KEY = 0;
const SIP_CALLER_KEY = 32;
const SIP_DATA = 64;
/** Bytes hashed a call (a multiple of 8); the memory's one page holds them and the 8 a tail block reads. */
export const SIP_CHUNK = 32768;

/** WebAssembly's encoding of the SipHash-1-2 module, built once at load. */
function sipModule(): Uint8Array {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      const b = n & 0x7f;
      n >>>= 7;
      out.push(n === 0 ? b : b | 0x80);
    } while (n !== 0);
    return out;
  };
  // Signed LEB128 of the 64-bit value hi:lo (two int32 halves; an i32 is its sign-extension).
  const sleb = (hi: number, lo: number): number[] => {
    const out: number[] = [];
    for (;;) {
      const b = lo & 0x7f;
      lo = (lo >>> 7) | (hi << 25);
      hi >>= 7;
      const last = (hi === 0 && lo === 0 && (b & 0x40) === 0) || (hi === -1 && lo === -1 && (b & 0x40) !== 0);
      out.push(last ? b : b | 0x80);
      if (last) return out;
    }
  };
  const I32 = 0x7f;
  const I64 = 0x7e;
  // Locals of every function: its parameters a (0) and b (1; an unused local in a function of
  // one parameter), then these.
  const V0 = 2;
  const V1 = 3;
  const V2 = 4;
  const V3 = 5;
  const M = 6;
  const P = 7;
  const END = 8;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32 = (x: number) => [0x41, ...sleb(x >> 31, x)];
  const i64 = (hi: number, lo: number) => [0x42, ...sleb(hi, lo)];
  const load64 = (offset: number) => [0x29, 3, offset];
  const [ADD, XOR, OR, SHL, ROTL] = [0x7c, 0x85, 0x84, 0x86, 0x89];
  const add = (a: number, b: number) => [...get(a), ...get(b), ADD, ...set(a)];
  const xor = (a: number, b: number) => [...get(a), ...get(b), XOR, ...set(a)];
  const rotl = (a: number, r: number) => [...get(a), ...i64(0, r), ROTL, ...set(a)];
  const rotlXor = (a: number, r: number, b: number) => [...get(a), ...i64(0, r), ROTL, ...get(b), XOR, ...set(a)];
  const round = [
    ...add(V0, V1), ...rotlXor(V1, 13, V0), ...rotl(V0, 32),
    ...add(V2, V3), ...rotlXor(V3, 16, V2),
    ...add(V0, V3), ...rotlXor(V3, 21, V0),
    ...add(V2, V1), ...rotlXor(V1, 17, V2), ...rotl(V2, 32),
  ];
  // The initial state at address a (sipState).
  const init = [V0, V1, V2, V3].flatMap((v, i) => [...get(0), ...load64(8 * i), ...set(v)]);
  // One round a whole 8-byte block of the first `n` bytes (local n) at SIP_DATA.
  const blocks = (n: number) => [
    ...i32(SIP_DATA), ...set(P),
    ...get(n), ...i32(-8), 0x71, ...i32(SIP_DATA), 0x6a, ...set(END),
    0x02, 0x40, 0x03, 0x40,
    ...get(P), ...get(END), 0x4f, 0x0d, 1,
    ...get(P), ...load64(0), ...set(M), ...xor(V3, M), ...round, ...xor(V0, M),
    ...get(P), ...i32(8), 0x6a, ...set(P), 0x0c, 0,
    0x0b, 0x0b,
  ];
  // The last block (the rest's 0-7 bytes at P, zeros after them as sipCopy leaves them, under
  // the length's low byte), two finalisation rounds, the low 32 bits of the result.
  const finish = (len: number) => [
    ...get(P), ...load64(0),
    ...get(len), 0xad, ...i64(0, 56), SHL, OR, ...set(M),
    ...xor(V3, M), ...round, ...xor(V0, M),
    ...get(V2), ...i64(0, 0xff), XOR, ...set(V2),
    ...round, ...round,
    ...get(V0), ...get(V1), XOR, ...get(V2), XOR, ...get(V3), XOR, 0xa7,
  ];
  const state = [V0, V1, V2, V3];
  const loadState = state.flatMap((v, g) => [0x23, g, ...set(v)]);
  const storeState = state.flatMap((v, g) => [...get(v), 0x24, g]);
  const body = (params: number, code: number[]) => {
    const f = [...(params === 2 ? [2] : [3, 1, I32]), 5, I64, 2, I32, ...code, 0x0b];
    return [...uleb(f.length), ...f];
  };
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [s.length, ...Buffer.from(s, 'latin1')];
  const mutableI64 = [I64, 1, ...i64(0, 0), 0x0b];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    // Types: (i32, i32) -> i32 and (i32) -> ().
    ...section(1, [2, 0x60, 2, I32, I32, 1, I32, 0x60, 1, I32, 0]),
    // hash(keyAt, len), begin(keyAt), absorb(n), end(rest, len).
    ...section(3, [4, 0, 1, 1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(6, [4, ...mutableI64, ...mutableI64, ...mutableI64, ...mutableI64]),
    ...section(7, [5, ...name('hash'), 0, 0, ...name('begin'), 0, 1, ...name('absorb'), 0, 2, ...name('end'), 0, 3, ...name('memory'), 2, 0]),
    ...section(10, [
      4,
      ...body(2, [...init, ...blocks(1), ...finish(1)]),
      ...body(1, [...init, ...storeState]),
      ...body(1, [...loadState, ...blocks(0), ...storeState]),
      ...body(2, [...loadState, ...blocks(0), ...finish(1)]),
    ]),
  ]);
}

/** What this file uses of the WebAssembly API (the project's `lib` setting declares none of it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

const sip = new WebAssembly.Instance(new WebAssembly.Module(sipModule())).exports as {
  /** SipHash-1-2 of the `len` (<= SIP_CHUNK) bytes at SIP_DATA from the key state at `keyAt` (sipState). */
  hash(keyAt: number, len: number): number;
  /** Start a long string: the key state at `keyAt`. */
  begin(keyAt: number): void;
  /** Absorb the `n` bytes (a multiple of 8) at SIP_DATA. */
  absorb(n: number): void;
  /** Absorb the last `rest` bytes at SIP_DATA of a string of `len` bytes; its hash. */
  end(rest: number, len: number): number;
  memory: { buffer: ArrayBuffer };
};
/** The module's memory as words; it never grows, so the view stays attached. */
const sipWords = new Int32Array(sip.memory.buffer);
/**
 * Store at `at` the state a key k0 = k0h:k0l, k1 = k1h:k1l starts a hash in:
 * v0..v3, the key xored with "somepseudorandomlygeneratedbytes", as little-endian 64-bit words.
 */
function sipState(at: number, k0l: number, k0h: number, k1l: number, k1h: number): void {
  const words = sipWords;
  const w = at >> 2;
  words[w] = k0l ^ 0x70736575;
  words[w + 1] = k0h ^ 0x736f6d65;
  words[w + 2] = k1l ^ 0x6e646f6d;
  words[w + 3] = k1h ^ 0x646f7261;
  words[w + 4] = k0l ^ 0x6e657261;
  words[w + 5] = k0h ^ 0x6c796765;
  words[w + 6] = k1l ^ 0x79746573;
  words[w + 7] = k1h ^ 0x74656462;
}
const processKey = randomBytes(16);
sipState(SIP_KEY, processKey.readInt32LE(0), processKey.readInt32LE(4), processKey.readInt32LE(8), processKey.readInt32LE(12));
processKey.fill(0);

/**
 * Copy the bytes from..to of `s` to SIP_DATA, little-endian words, and zeros after them to the
 * end of the next word: the last block's 8 bytes then need no mask of the bytes past the string.
 */
function sipCopy(s: string, from: number, to: number): void {
  const words = sipWords;
  let w = SIP_DATA >> 2;
  let p = from;
  for (const last = to - 3; p < last; p += 4) {
    words[w++] = s.charCodeAt(p) | (s.charCodeAt(p + 1) << 8) | (s.charCodeAt(p + 2) << 16) | (s.charCodeAt(p + 3) << 24);
  }
  let t = 0;
  if (p < to) t = s.charCodeAt(p);
  if (p + 1 < to) t |= s.charCodeAt(p + 1) << 8;
  if (p + 2 < to) t |= s.charCodeAt(p + 2) << 16;
  words[w] = t;
  words[w + 1] = 0;
}

/** The low 32 bits of SipHash-1-2 of `s` from the key state at `keyAt`. */
function sipHash(keyAt: number, s: string): number {
  const len = s.length;
  if (len <= SIP_CHUNK) {
    sipCopy(s, 0, len);
    return sip.hash(keyAt, len);
  }
  sip.begin(keyAt);
  let p = 0;
  for (; len - p > SIP_CHUNK; p += SIP_CHUNK) {
    sipCopy(s, p, p + SIP_CHUNK);
    sip.absorb(SIP_CHUNK);
  }
  sipCopy(s, p, len);
  return sip.end(len - p, len);
}

/** The low 32 bits of SipHash-1-2 of `s` under the key k0 = k0h:k0l, k1 = k1h:k1l (for tests). */
export function sipHash12(k0l: number, k0h: number, k1l: number, k1h: number, s: string): number {
  sipState(SIP_CALLER_KEY, k0l, k0h, k1l, k1h);
  return sipHash(SIP_CALLER_KEY, s);
}

/**
 * The last string hashed and its hash, one of each for the two roles a string has: a key of the
 * keyspace (kernel/keyspace/table.ts) and a member of a StringMap (hash fields, set and sorted
 * set members, channels). A write usually looks its key up before storing it (INCR reads, then
 * writes; ZADD reads a member's score, then stores it), so the second hash is a string
 * comparison; and commands that write to one collection in a row (HSET, SADD, ZADD on a hot
 * key) hash its key once, since the members they hash in between no longer replace it. Still
 * one comparison a call: a command of random keys (MSET's ten) pays what one slot cost.
 */
let lastKey = '';
let lastKeyHash = 1;
let lastMember = '';
let lastMemberHash = 1;
/** Longer strings are not remembered: the cache would keep a large argument alive after its client left. */
const LAST_STRING_MAX = 4096;

/** The 32-bit hash of a keyspace key (never 0, which marks an empty slot). */
export function hashString(s: string): number {
  if (s === lastKey) return lastKeyHash;
  const h = keyedHash(s);
  if (s.length <= LAST_STRING_MAX) {
    lastKey = s;
    lastKeyHash = h;
  }
  return h;
}

/** The 32-bit hash of a StringMap's key: the same function as hashString, remembered apart. */
function hashMember(s: string): number {
  if (s === lastMember) return lastMemberHash;
  const h = keyedHash(s);
  if (s.length <= LAST_STRING_MAX) {
    lastMember = s;
    lastMemberHash = h;
  }
  return h;
}

/** SipHash-1-2 under the process key, 0 made 1 (0 marks an empty slot). */
function keyedHash(s: string): number {
  const h = sipHash(SIP_KEY, s);
  return h === 0 ? 1 : h;
}
