import { hashString, StringMap } from '../../kernel/util/string-map';

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
});
