import { Hash, HashType } from '../../../modules/hashes/hash';

const PACKED = { entries: 1 << 30, value: 1 << 30 };

/** The pairs of a hash as a field -> value object, whatever the order. */
function pairs(h: Hash): Record<string, string> {
  const flat = h.flat();
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

describe('hashes: the listpack encoding against the hashtable', () => {
  it('agrees on every read after a random mix of writes, with binary and long fields and values', () => {
    let seed = 11;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const names = ['f', '', 'a\0b', '\xff', 'x'.repeat(300), 'field:1', 'é'];
    const packed = new Hash();
    const table = new Hash();
    table.toTable();
    for (let step = 0; step < 3000; step++) {
      const field = names[rnd(names.length)] + (rnd(2) === 0 ? String(rnd(30)) : '');
      const value = rnd(5) === 0 ? 'v'.repeat(rnd(600)) : String(rnd(100));
      const op = rnd(3);
      for (const h of [packed, table]) {
        if (op < 2) h.store(field, value, PACKED);
        else h.delete(field);
      }
      expect(packed.get(field)).toBe(table.get(field));
      expect(packed.has(field)).toBe(table.has(field));
      expect(packed.size).toBe(table.size);
      if (step % 100 === 0) expect(pairs(packed)).toEqual(pairs(table));
    }
    expect(packed.listpack).toBe(true);
    expect(table.listpack).toBe(false);
    expect(pairs(packed)).toEqual(pairs(table));
    expect(packed.column(0)).toEqual(packed.flat().filter((_, i) => i % 2 === 0));
    expect(packed.column(1)).toEqual(packed.flat().filter((_, i) => i % 2 === 1));
  });

  it('keeps insertion order, replaces values in place, and converts once past either limit', () => {
    const limits = { entries: 3, value: 4 };
    const h = new Hash();
    h.store('b', '1', limits);
    h.store('a', '2', limits);
    h.store('b', '333', limits);
    expect(h.flat()).toEqual(['b', '333', 'a', '2']);
    h.store('c', '4', limits);
    expect(h.listpack).toBe(true);
    h.store('d', '5', limits);
    expect(h.listpack).toBe(false);
    h.delete('d');
    h.delete('c');
    expect(h.listpack).toBe(false);
    const long = new Hash();
    long.store('f', '12345', limits);
    expect(long.listpack).toBe(false);
    expect(long.get('f')).toBe('12345');
  });

  it('clones without sharing writes', () => {
    const h = new Hash();
    h.store('f', 'v', PACKED);
    const c = h.clone();
    c.store('g', 'w', PACKED);
    c.store('f', 'x', PACKED);
    expect(h.flat()).toEqual(['f', 'v']);
    expect(c.flat()).toEqual(['f', 'x', 'g', 'w']);
  });

  it("a hashtable's memory estimate follows its writes as a full count of its fields and values would", () => {
    // The estimate keeps a running byte count; the count it replaced walked every field.
    const counted = (h: Hash) => 64 + h.size * 72 + h.flat().reduce((n, s) => n + s.length, 0);
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const h = new Hash();
    h.store('a', 'x'.repeat(100), { entries: 1, value: 10 });
    expect(h.listpack).toBe(false);
    expect(HashType.memory!(h)).toBe(counted(h));
    for (let step = 0; step < 2000; step++) {
      const field = 'f' + rnd(200) + (rnd(2) === 0 ? '\xff\0' : '');
      const op = rnd(4);
      if (op === 0) h.delete(field);
      else if (op === 1) h.delete('absent');
      else h.set(field, 'v'.repeat(rnd(40)));
      if (step % 50 === 0) expect(HashType.memory!(h)).toBe(counted(h));
    }
    expect(HashType.memory!(h)).toBe(counted(h));
    const copy = h.clone();
    expect(HashType.memory!(copy)).toBe(counted(h));
    copy.set('new field', 'value');
    expect(HashType.memory!(copy)).toBe(counted(h) + 72 + 'new field'.length + 'value'.length);
    expect(HashType.memory!(h)).toBe(counted(h));
  });
});
