import { ZSet, type ZCursor } from '../../../modules/sorted-sets/zset';

const PACKED = { maxEntries: 1 << 30, maxValue: 1 << 30 };
const SKIPLIST = { maxEntries: 0, maxValue: 0 };

function walk(c: ZCursor, back: boolean): [string, number][] {
  const out: [string, number][] = [];
  for (; c.valid; back ? c.prev() : c.next()) out.push([c.ele, c.score]);
  return out;
}

/** Everything the commands read from a sorted set, for comparing two of them. */
function view(z: ZSet): unknown {
  const all: [string, number][] = [];
  z.forEach((ele, score) => all.push([ele, score]));
  const ranks = all.map(([ele]) => z.rank(ele));
  return {
    size: z.size,
    all,
    ranks,
    back: walk(z.at(z.size - 1), true),
    mid: walk(z.at(z.size >> 1), false),
    fromScore: [-1, 0, 3, 7.5, 100].map((s) => [z.rankByScore(s, false), z.rankByScore(s, true), walk(z.fromScore(s), false).length]),
    // seek() from the start, the middle and past the end, forward and back.
    seek: [0, z.size >> 1, z.size].map((r) =>
      [-1, 0, 3, 7.5, 1, 100].map((s) => {
        const c = z.at(r);
        c.seek(s);
        return c.valid ? [c.ele, c.score] : null;
      }),
    ),
  };
}

describe('sorted sets: the listpack encoding against the skiplist', () => {
  it('agrees on every read after a random mix of writes, with binary and long members', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const names = ['a', 'b', '', 'x\0y', '\xff\xfe', 'long'.repeat(80), 'm1', 'm2', 'm10', 'é'];
    const packed = new ZSet();
    const skip = new ZSet();
    for (let step = 0; step < 3000; step++) {
      const ele = names[rnd(names.length)] + (rnd(3) === 0 ? String(rnd(40)) : '');
      const score = rnd(4) === 0 ? rnd(10) / 2 : rnd(3);
      const op = rnd(10);
      const from = rnd(5);
      const count = rnd(3);
      for (const [z, limits] of [
        [packed, PACKED],
        [skip, SKIPLIST],
      ] as const) {
        if (op < 5) {
          if (z.score(ele) === undefined) z.insert(score, ele, limits);
          else z.setScore(ele, score);
        } else if (op < 8) z.delete(ele);
        else if (op === 8) z.deleteRange(from, count);
        else z.deleteRange(Math.max(0, z.size - 2), 1);
      }
      expect(packed.score(ele)).toBe(skip.score(ele));
      if (step % 50 === 0) expect(view(packed)).toEqual(view(skip));
    }
    expect(packed.listpack).toBe(true);
    expect(skip.listpack).toBe(false);
    expect(view(packed)).toEqual(view(skip));
  });

  it('agrees after growing large, shrinking to a few members (its slots compacted) and growing again', () => {
    const packed = new ZSet();
    const skip = new ZSet();
    const both = (f: (z: ZSet, limits: typeof PACKED) => void) => {
      f(packed, PACKED);
      f(skip, SKIPLIST);
    };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2000; i++) both((z, l) => (z.score(`m${i}`) === undefined ? z.insert(i % 7, `m${i}`, l) : z.setScore(`m${i}`, i % 5)));
      // One at a time from the middle, then a range: both paths release slots.
      for (let i = 100; i < 1500; i++) both((z) => z.delete(`m${i}`));
      both((z) => z.deleteRange(10, z.size - 40));
      expect(view(packed)).toEqual(view(skip));
      for (const ele of ['m0', 'm5', 'm1999', 'm1998', 'm150']) {
        expect(skip.score(ele)).toBe(packed.score(ele));
        expect(skip.rank(ele)).toBe(packed.rank(ele));
      }
      // ZSCAN's index still names every member once.
      const scanned: string[] = [];
      let cursor = 0;
      do cursor = skip.index!.scan(cursor, 100, (ele) => scanned.push(ele));
      while (cursor !== 0);
      const members: string[] = [];
      skip.forEach((ele) => members.push(ele));
      expect(scanned.sort()).toEqual(members.sort());
    }
  });

  it('converts once past either limit, keeping members and scores', () => {
    const limits = { maxEntries: 3, maxValue: 5 };
    const z = new ZSet();
    z.insert(2, 'b', limits);
    z.insert(-0, 'a', limits);
    z.insert(1, 'c', limits);
    expect(z.listpack).toBe(true);
    expect(Object.is(z.score('a'), 0)).toBe(true);
    z.insert(3, 'd', limits);
    expect(z.listpack).toBe(false);
    expect(z.members()).toEqual(['a', 'c', 'b', 'd']);
    z.delete('d');
    z.delete('c');
    expect(z.listpack).toBe(false);
    const y = new ZSet();
    y.insert(1, 'abcdef', limits);
    expect(y.listpack).toBe(false);
  });

  it('compacts a small skiplist-built result back to a listpack, and not a large one', () => {
    const z = new ZSet();
    z.insert(-0, 'x', SKIPLIST);
    z.insert(1, 'y', SKIPLIST);
    expect(Object.is(z.score('x'), -0)).toBe(true);
    z.compact({ maxEntries: 2, maxValue: 64 });
    expect(z.listpack).toBe(true);
    expect(Object.is(z.score('x'), 0)).toBe(true);
    expect(z.members()).toEqual(['x', 'y']);
    const big = new ZSet();
    big.insert(1, 'toolong', SKIPLIST);
    big.compact({ maxEntries: 2, maxValue: 3 });
    expect(big.listpack).toBe(false);
  });

  it('clones without sharing writes', () => {
    const z = new ZSet();
    z.insert(1, 'a', PACKED);
    const c = z.clone();
    c.insert(2, 'b', PACKED);
    expect(z.members()).toEqual(['a']);
    expect(c.members()).toEqual(['a', 'b']);
  });
});
