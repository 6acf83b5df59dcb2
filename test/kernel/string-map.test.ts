import { hashString, SIP_CHUNK, sipHash12, StringMap } from '../../kernel/util/string-map';

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

describe('StringMap', () => {
  test('behaves as a Map under random sets, gets and deletes through growth and shrinking', () => {
    const rand = rng(42);
    const m = new StringMap<number>();
    const ref = new Map<string, number>();
    const mismatches: string[] = [];
    for (let step = 0; step < 200000; step++) {
      // The key range first grows the map to thousands of entries, then deletes dominate.
      const phase = step < 100000 ? 5000 : 300;
      const key = `k${Math.floor(rand() * phase)}`;
      const op = rand();
      let ok: boolean;
      if (op < (step < 100000 ? 0.6 : 0.2)) {
        ok = m.set(key, step) === !ref.has(key);
        ref.set(key, step);
      } else if (op < 0.8) {
        ok = m.delete(key) === ref.delete(key);
      } else {
        ok = m.get(key) === ref.get(key) && m.has(key) === ref.has(key);
      }
      if (!ok || m.size !== ref.size) mismatches.push(`step ${step} key ${key}`);
    }
    expect(mismatches).toEqual([]);
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    expect(m.keys().sort()).toEqual([...ref.keys()].sort());
  });

  test('probe() then valueAt() / insertAt() behaves as get() and set() through growth, collisions and deletes', () => {
    const rand = rng(7);
    const m = new StringMap<number>();
    const ref = new Map<string, number>();
    const mismatches: string[] = [];
    for (let step = 0; step < 100000; step++) {
      const key = `p${Math.floor(rand() * (step < 60000 ? 8000 : 500))}`;
      if (rand() < 0.7) {
        const at = m.probe(key);
        if ((at >= 0) !== ref.has(key)) mismatches.push(`step ${step} probe ${key}`);
        if (at >= 0) {
          if (m.valueAt(at) !== ref.get(key)) mismatches.push(`step ${step} valueAt ${key}`);
        } else {
          m.insertAt(at, key, step);
          ref.set(key, step);
        }
      } else {
        m.delete(key);
        ref.delete(key);
      }
      if (m.size !== ref.size) mismatches.push(`step ${step} size`);
    }
    expect(mismatches).toEqual([]);
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    expect(m.keys().sort()).toEqual([...ref.keys()].sort());
  });

  test('binary keys: NUL, CR LF, high bytes and the empty string are distinct keys', () => {
    const keys = ['', '\x00', '\x00\x00', '\r\n', '\xff', '\xfe\xff', 'a\x00b', 'a'];
    const m = new StringMap<string>();
    for (const k of keys) m.set(k, `v${k}`);
    expect(m.size).toBe(keys.length);
    for (const k of keys) expect(m.get(k)).toBe(`v${k}`);
    for (const k of keys) expect(m.delete(k)).toBe(true);
    expect(m.size).toBe(0);
  });

  test('deleting inside long probe runs keeps every other key reachable', () => {
    // Many keys in a small table make long runs that wrap around the end of the array.
    const m = new StringMap<number>();
    const n = 2000;
    for (let i = 0; i < n; i++) m.set(`key:${i}`, i);
    for (let i = 0; i < n; i += 3) m.delete(`key:${i}`);
    for (let i = 0; i < n; i++) expect(m.get(`key:${i}`)).toBe(i % 3 === 0 ? undefined : i);
  });

  test('forEach visits every entry once; clear empties', () => {
    const m = new StringMap<number>();
    for (let i = 0; i < 1000; i++) m.set(String(i), i);
    let sum = 0;
    let count = 0;
    m.forEach((v, k) => {
      expect(String(v)).toBe(k);
      sum += v;
      count++;
    });
    expect(count).toBe(1000);
    expect(sum).toBe((999 * 1000) / 2);
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get('1')).toBeUndefined();
    m.set('again', 1);
    expect(m.get('again')).toBe(1);
  });

  test('the hash is never 0 (the empty marker) and spreads similar keys over the low bits', () => {
    const buckets = new Array<number>(1024).fill(0);
    let zeros = 0;
    for (let i = 0; i < 102400; i++) {
      const h = hashString(`key:${String(i).padStart(12, '0')}`);
      if (h === 0) zeros++;
      buckets[h & 1023]++;
    }
    expect(zeros).toBe(0);
    // 100 expected per bucket: a poor mix of the low bits would leave some far off.
    expect(Math.min(...buckets)).toBeGreaterThan(50);
    expect(Math.max(...buckets)).toBeLessThan(160);
  });

  test('hashString is SipHash-1-2: agrees with a BigInt reference checked against the published SipHash-2-4 vectors', () => {
    const key = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
    const msg = (n: number) => String.fromCharCode(...Array.from({ length: n }, (_, i) => i));
    // The SipHash paper's vectors (key 00..0f, message 00..n-1).
    expect(sipRef(key, msg(0), 2, 4)).toBe(0x726fdb47dd0e0e31n);
    expect(sipRef(key, msg(1), 2, 4)).toBe(0x74f839c593dc67fdn);
    expect(sipRef(key, msg(15), 2, 4)).toBe(0xa129ca6149be45e5n);
    const rand = rng(7);
    const mismatches: string[] = [];
    const check = (phase: string) => {
      // Every length 0..200 (every partial-block size, one to 25 blocks), three random keys each.
      for (let n = 0; n < 603; n++) {
        const k = Buffer.from(Array.from({ length: 16 }, () => Math.floor(rand() * 256)));
        const s = String.fromCharCode(...Array.from({ length: n % 201 }, () => Math.floor(rand() * 256)));
        const want = Number(sipRef(k, s, 1, 2) & 0xffffffffn) | 0;
        const got = sipHash12(k.readInt32LE(0), k.readInt32LE(4), k.readInt32LE(8), k.readInt32LE(12), s);
        if (got !== want) mismatches.push(`${phase} ${k.toString('hex')} ${Buffer.from(s, 'latin1').toString('hex')}`);
      }
    };
    check('cold');
    // Hot: V8's optimised code (carries, the trimmed last round) must agree with the interpreter's.
    const shapes = Array.from({ length: 64 }, (_, i) => 'element:'.padEnd(i % 41, 'x') + String(i));
    let x = 0;
    for (let i = 0; i < 300000; i++) x ^= sipHash12(i, -i, i * 3, ~i, shapes[i & 63]);
    expect(Number.isInteger(x)).toBe(true);
    check('hot');
    expect(mismatches).toEqual([]);
  });

  test('strings longer than a chunk, hashed in pieces, agree with the reference; short ones after them too', () => {
    const rand = rng(11);
    const mismatches: string[] = [];
    const lengths = [SIP_CHUNK - 1, SIP_CHUNK, SIP_CHUNK + 1, SIP_CHUNK + 7, SIP_CHUNK + 8, 2 * SIP_CHUNK, 2 * SIP_CHUNK + 3, 3 * SIP_CHUNK + 13];
    for (const n of lengths) {
      const k = Buffer.from(Array.from({ length: 16 }, () => Math.floor(rand() * 256)));
      const s = Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256))).toString('latin1');
      const want = Number(sipRef(k, s, 1, 2) & 0xffffffffn) | 0;
      if (sipHash12(k.readInt32LE(0), k.readInt32LE(4), k.readInt32LE(8), k.readInt32LE(12), s) !== want) mismatches.push(`length ${n}`);
      // A short string right after a long one starts from a fresh state.
      if (sipHash12(k.readInt32LE(0), k.readInt32LE(4), k.readInt32LE(8), k.readInt32LE(12), s.slice(0, 11)) !== (Number(sipRef(k, s.slice(0, 11), 1, 2) & 0xffffffffn) | 0)) {
        mismatches.push(`short after ${n}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('hashString keeps the process key: hashing under a caller key in between changes nothing', () => {
    const words = ['alpha', 'beta', 'x'.repeat(SIP_CHUNK + 5), ''];
    const before = words.map(hashString);
    for (const w of words) sipHash12(1, 2, 3, 4, w);
    // Alternate the strings, so the last-string cache cannot answer for the hash.
    const after = words.map(hashString);
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(words.length);
  });

  test('the remembered hashes: equal contents in different strings, keys and members alternating, strings over the size limit', () => {
    // Each string's hash, computed with another string hashed in between in both roles, so no
    // remembered hash can answer.
    const fresh = (s: string) => {
      hashString('\x00fresh');
      new StringMap<number>().get('\x00fresh');
      return hashString(s);
    };
    const big = 'b'.repeat(5000);
    const strings = ['myhash', 'element:000000000001', 'element:000000000002', '', big + 'x', big + 'y', 'c'.repeat(4096), 'c'.repeat(4095) + 'd'];
    const want = strings.map(fresh);
    expect(new Set(want).size).toBe(strings.length);
    // The same contents built apart: other string objects, the same hashes.
    const copies = strings.map((x) => Buffer.from(x, 'latin1').toString('latin1'));
    const mismatches: string[] = [];
    const m = new StringMap<number>();
    const rand = rng(5);
    for (let step = 0; step < 20000; step++) {
      const i = Math.floor(rand() * strings.length);
      const x = rand() < 0.5 ? strings[i] : copies[i];
      // A key hashed as a keyspace key, a member written to a map, in any order and repeated.
      if (rand() < 0.5) {
        if (hashString(x) !== want[i]) mismatches.push(`step ${step} hashString ${i}`);
      } else {
        m.set(x, i);
        if (m.get(strings[i]) !== i || m.get(copies[i]) !== i) mismatches.push(`step ${step} map ${i}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(m.size).toBe(strings.length);
    for (let i = 0; i < strings.length; i++) expect(m.get(copies[i])).toBe(i);
  });

  test('keys built to collide under the old seeded FNV-1a spread out: probe runs stay short', () => {
    // The flood the issue measured: with the seed known, keys whose FNV-1a hashes share their low
    // bits all land in one run of the table, and each insert walks all of the earlier ones.
    const seed = 0x1234567;
    const keys: string[] = [];
    for (let i = 0; keys.length < 500; i++) {
      const k = `flood:${i}`;
      if ((oldHash(seed, k) & 0x3ff) === 0) keys.push(k);
    }
    const probesOld = linearProbes(keys.map((k) => oldHash(seed, k)), 1024);
    const probesNew = linearProbes(keys.map(hashString), 1024);
    expect(probesOld).toBeGreaterThan(100000);
    // 500 keys in 1024 slots: about 1.5 probes an insert when the hash is uniform.
    expect(probesNew).toBeLessThan(5 * keys.length);
    const m = new StringMap<number>();
    keys.forEach((k, i) => m.set(k, i));
    expect(keys.every((k, i) => m.get(k) === i)).toBe(true);
  });
});

/** The hash StringMap used before: FNV-1a from a 32-bit seed, murmur3's finaliser. */
function oldHash(seed: number, s: string): number {
  let h = seed ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Slots visited inserting these hashes in order into a linear-probing table of `size` slots. */
function linearProbes(hashes: number[], size: number): number {
  const used = new Uint8Array(size);
  let probes = 0;
  for (const h of hashes) {
    let i = h & (size - 1);
    for (probes++; used[i]; i = (i + 1) & (size - 1)) probes++;
    used[i] = 1;
  }
  return probes;
}

/** SipHash-c-d in BigInt, straight from the paper: the reference the 32-bit version is checked against. */
function sipRef(key: Buffer, s: string, c: number, d: number): bigint {
  const M = (1n << 64n) - 1n;
  const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M;
  const k0 = key.readBigUInt64LE(0);
  const k1 = key.readBigUInt64LE(8);
  const v = [k0 ^ 0x736f6d6570736575n, k1 ^ 0x646f72616e646f6dn, k0 ^ 0x6c7967656e657261n, k1 ^ 0x7465646279746573n];
  const round = () => {
    v[0] = (v[0] + v[1]) & M;
    v[1] = rotl(v[1], 13n) ^ v[0];
    v[0] = rotl(v[0], 32n);
    v[2] = (v[2] + v[3]) & M;
    v[3] = rotl(v[3], 16n) ^ v[2];
    v[0] = (v[0] + v[3]) & M;
    v[3] = rotl(v[3], 21n) ^ v[0];
    v[2] = (v[2] + v[1]) & M;
    v[1] = rotl(v[1], 17n) ^ v[2];
    v[2] = rotl(v[2], 32n);
  };
  const bytes = Buffer.from(s, 'latin1');
  const padded = Buffer.alloc((Math.floor(bytes.length / 8) + 1) * 8);
  bytes.copy(padded);
  padded[padded.length - 1] = bytes.length & 0xff;
  for (let o = 0; o < padded.length; o += 8) {
    const m = padded.readBigUInt64LE(o);
    v[3] ^= m;
    for (let i = 0; i < c; i++) round();
    v[0] ^= m;
  }
  v[2] ^= 0xffn;
  for (let i = 0; i < d; i++) round();
  return v[0] ^ v[1] ^ v[2] ^ v[3];
}
