import { KeyTable, reverse32 } from '../../kernel/keyspace/table';

/** A deterministic pseudo-random sequence. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('KeyTable (the keyspace table)', () => {
  it('agrees with a Map under random inserts, overwrites and removals, stamps and sizes included', () => {
    const t = new KeyTable<string>();
    const ref = new Map<string, [string, number, number]>();
    const rand = lcg(7);
    for (let step = 0; step < 20000; step++) {
      const key = `k${Math.floor(rand() * 3000)}`;
      const r = t.row(key);
      expect(r >= 0).toBe(ref.has(key));
      if (rand() < 0.55) {
        const value = `v${step}`;
        if (r < 0) {
          const nr = t.insert(key, value, step);
          t.setSizeAt(nr, step * 3);
        } else {
          t.setValueAt(r, value);
          t.setStampAt(r, step);
          t.setSizeAt(r, step * 3);
        }
        ref.set(key, [value, step, step * 3]);
      } else if (r >= 0) {
        t.removeRow(r);
        ref.delete(key);
      }
    }
    expect(t.size).toBe(ref.size);
    for (const [key, [value, stamp, size]] of ref) {
      const r = t.row(key);
      expect([t.keyAt(r), t.valueAt(r), t.stampAt(r), t.sizeAt(r)]).toEqual([key, value, stamp, size]);
    }
    expect(t.keys().sort()).toEqual([...ref.keys()].sort());
    // Emptied, the table shrinks and still works.
    for (const key of ref.keys()) t.removeRow(t.row(key));
    expect(t.size).toBe(0);
    expect(t.randomKey()).toBeUndefined();
    t.insert('again', 'x', 1);
    expect(t.get('again')).toBe('x');
  });

  it('grows by segments past 4096 keys and gives them back as it shrinks, rows intact', () => {
    const t = new KeyTable<string>();
    const ref = new Map<string, [string, number]>();
    // Numerical Recipes' LCG in 32-bit arithmetic: lcg() loses bits past 2^53 and cycles early on this long a run.
    let seed = 11;
    const rand = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const check = () => {
      expect(t.size).toBe(ref.size);
      for (const [key, [value, stamp]] of ref) {
        const r = t.row(key);
        expect([t.keyAt(r), t.valueAt(r), t.stampAt(r), t.sizeAt(r)]).toEqual([key, value, stamp, stamp * 2]);
      }
      const seen: string[] = [];
      let cursor = 0;
      do cursor = t.scan(cursor, 1000, (k) => seen.push(k));
      while (cursor !== 0);
      expect(seen.sort()).toEqual([...ref.keys()].sort());
    };
    // Towards 20000 keys, then down to 2000 (removals four times as likely), then up to 10000.
    for (const [target, removal] of [[20000, 0.2], [2000, 0.8], [10000, 0.2]] as const) {
      for (let step = 0; removal < 0.5 ? ref.size < target : ref.size > target; step++) {
        if (rand() < removal) {
          // The oldest key (the Map's first): rows from all over the table.
          const victim = ref.keys().next().value;
          if (victim !== undefined) {
            t.removeRow(t.row(victim));
            ref.delete(victim);
          }
          continue;
        }
        const key = `k${Math.floor(rand() * 40000)}`;
        if (t.row(key) < 0) {
          t.setSizeAt(t.insert(key, `v${step}`, step), step * 2);
          ref.set(key, [`v${step}`, step]);
        }
      }
      check();
    }
  });

  it('keeps sizes past 2 GiB in 32 bits, rounded to KiB, and reports what it counts', () => {
    const t = new KeyTable<string>();
    const r = t.insert('big', 'v', 0);
    expect(t.setSizeAt(r, 123)).toBe(123);
    expect(t.setSizeAt(r, 2 ** 31 - 1)).toBe(2 ** 31 - 1);
    const counted = t.setSizeAt(r, 5 * 2 ** 31 + 1);
    expect(counted).toBe(Math.ceil((5 * 2 ** 31 + 1) / 1024) * 1024);
    expect(t.sizeAt(r)).toBe(counted);
  });

  it('samples every key, uniformly enough', () => {
    const t = new KeyTable<number>();
    for (let i = 0; i < 10; i++) t.insert(`k${i}`, i, 0);
    const seen = new Map<string, number>();
    for (let i = 0; i < 10000; i++) {
      const k = t.randomKey()!;
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    expect(seen.size).toBe(10);
    for (const n of seen.values()) expect(n).toBeGreaterThan(700);
  });

  it('removing a row moves the last row into its place, and inserting adds a last row', () => {
    const t = new KeyTable<number>();
    for (let i = 0; i < 5; i++) t.insert(`k${i}`, i, 0);
    t.removeRow(t.row('k1'));
    expect([0, 1, 2, 3].map((r) => t.keyAt(r))).toEqual(['k0', 'k4', 'k2', 'k3']);
    expect(t.valueAt(1)).toBe(4);
    expect(t.insert('k5', 5, 0)).toBe(4);
    expect(t.row('k4')).toBe(1);
  });

  it('insertMany adds a batch as rows in order and stops at the first key already present', () => {
    const t = new KeyTable<number>();
    t.insert('a', 0, 0);
    const keys = Array.from({ length: 300 }, (_, i) => `b${i}`);
    expect(t.insertMany(keys, keys.map((_, i) => i), 300, 7)).toBe(300);
    expect(t.size).toBe(301);
    expect(t.keyAt(1)).toBe('b0');
    expect(t.keyAt(300)).toBe('b299');
    expect(t.valueAt(t.row('b123'))).toBe(123);
    expect(t.stampAt(t.row('b5'))).toBe(7);
    expect(t.insertMany(['c0', 'c1', 'b7', 'c2'], [1, 2, 3, 4], 4, 0)).toBe(2);
    expect(t.size).toBe(303);
    expect(t.row('c2')).toBe(-1);
    expect(t.valueAt(t.row('b7'))).toBe(7);
  });

  it('reverse32 reverses the bits of a 32-bit word', () => {
    expect(reverse32(1)).toBe(0x80000000);
    expect(reverse32(0x80000000)).toBe(1);
    expect(reverse32(0)).toBe(0);
    expect(reverse32(0xffffffff)).toBe(0xffffffff);
    expect(reverse32(0x0000f00d)).toBe(0xb00f0000);
  });
});
