import { lexSpan, parseLexRange, parseScoreRange, scoreSpan } from '../../../modules/sorted-sets/ranges';
import { ScoreTree } from '../../../modules/sorted-sets/tree';
import { ZSet } from '../../../modules/sorted-sets/zset';

type Pair = [ele: string, score: number];

function cmp(a: Pair, b: Pair): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

function forward(t: ScoreTree): Pair[] {
  const out: Pair[] = [];
  for (const c = t.at(0); c.valid; c.next()) out.push([c.ele, c.score]);
  return out;
}

function backward(t: ScoreTree): Pair[] {
  const out: Pair[] = [];
  for (const c = t.at(t.length - 1); c.valid; c.prev()) out.push([c.ele, c.score]);
  return out;
}

/** A deterministic PRNG so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

/** Compare every observable of the tree with a sorted model, collecting differences. */
function check(t: ScoreTree, model: Map<string, number>): string[] {
  const bad: string[] = [];
  const expected = [...model.entries()].sort(cmp);
  if (t.length !== expected.length) bad.push(`length ${t.length} != ${expected.length}`);
  const f = forward(t);
  if (JSON.stringify(f) !== JSON.stringify(expected)) bad.push('forward order');
  if (JSON.stringify(backward(t)) !== JSON.stringify([...expected].reverse())) bad.push('backward order');
  expected.forEach(([ele, score], i) => {
    if (t.rankOf(score, ele) !== i) bad.push(`rankOf ${ele}`);
    const c = t.at(i);
    if (c.ele !== ele || c.score !== score) bad.push(`at ${i}`);
  });
  for (const min of [-1, 0, 7, 25.5, 49, 60]) {
    for (const ex of [false, true]) {
      const want = expected.filter(([, s]) => (ex ? s <= min : s < min)).length;
      if (t.rankByScore(min, ex) !== want) bad.push(`rankByScore ${min} ${ex}`);
    }
  }
  if (t.at(expected.length).valid || t.at(-1).valid) bad.push('out-of-range cursor');
  bad.push(...checkSeek(t, expected));
  return bad;
}

/** The member a cursor is at, or null when it is invalid. */
function here(c: { valid: boolean; ele: string; score: number }): Pair | null {
  return c.valid ? [c.ele, c.score] : null;
}

/**
 * fromScore() and seek() land on the first member scoring at least the bound, from a fresh
 * descent and from cursors left before, at and after it (in the same leaf and leaves away).
 */
function checkSeek(t: ScoreTree, expected: Pair[]): string[] {
  const bad: string[] = [];
  const first = (min: number): Pair | null => expected.find(([, s]) => s >= min) ?? null;
  const bounds = [-1, 0, 0.5, 7, 25.5, 49, 49.5, 60, ...expected.filter((_, i) => i % 97 === 0).map(([, s]) => s)];
  const starts = [0, 1, 40, 63, 64, 200, expected.length >> 1, expected.length - 1, expected.length];
  for (const min of bounds) {
    const want = JSON.stringify(first(min));
    if (JSON.stringify(here(t.fromScore(min))) !== want) bad.push(`fromScore ${min}`);
    for (const r of starts) {
      const c = t.at(r);
      c.seek(min);
      if (JSON.stringify(here(c)) !== want) bad.push(`seek ${min} from rank ${r}`);
    }
  }
  return bad;
}

describe('sorted sets: the counted B+ tree', () => {
  it.each([
    ['small', 600, 4000],
    ['several levels deep', 40000, 120000],
  ])('matches a sorted model through random inserts, updates and deletes (%s)', (_name, members, steps) => {
    const rnd = prng(42);
    const t = new ScoreTree();
    const model = new Map<string, number>();
    const problems: string[] = [];
    for (let step = 0; step < steps; step++) {
      const ele = `m${Math.floor(rnd() * members)}`;
      // Few distinct scores: long runs of equal scores are ordered by member.
      const score = Math.floor(rnd() * 50);
      const cur = model.get(ele);
      const r = rnd();
      // Grow for the first half, then shrink, so merges and borrows run at every level.
      const growing = step < steps / 2;
      if (cur === undefined) {
        if (growing || r < 0.2) {
          t.insert(score, ele);
          model.set(ele, score);
        }
      } else if (r < (growing ? 0.5 : 0.1)) {
        if (!t.delete(cur, ele)) problems.push(`delete ${ele} missed`);
        t.insert(score, ele);
        model.set(ele, score);
      } else {
        if (!t.delete(cur, ele)) problems.push(`delete ${ele} missed`);
        model.delete(ele);
      }
      if (step % 20000 === 0) problems.push(...check(t, model));
    }
    problems.push(...check(t, model));
    expect(problems).toEqual([]);
  });

  it('stays consistent when runs are cut out next to dense regions (borrows at every level)', () => {
    const rnd = prng(7);
    const t = new ScoreTree();
    const model = new Map<string, number>();
    const problems: string[] = [];
    let next = 0;
    for (let round = 0; round < 60; round++) {
      // Pile members into a few narrow score bands, so some nodes fill up...
      for (let k = 0; k < 3000; k++) {
        const ele = `n${next++}`;
        const score = Math.floor(rnd() * 4) * 1000 + rnd();
        t.insert(score, ele);
        model.set(ele, score);
      }
      // ...then cut long runs out at random ranks, so their neighbours run low.
      for (let k = 0; k < 4; k++) {
        const from = Math.floor(rnd() * t.length);
        t.deleteRange(from, Math.floor(rnd() * 1500), (ele) => model.delete(ele));
      }
      if (round % 20 === 0) problems.push(...check(t, model));
    }
    problems.push(...check(t, model));
    expect(problems).toEqual([]);
  });

  it('orders equal scores by member bytes while the shared prefix shrinks (keys beside members)', () => {
    const rnd = prng(11);
    const t = new ScoreTree();
    const model = new Map<string, number>();
    const problems: string[] = [];
    const byte = () => String.fromCharCode(rnd() < 0.3 ? Math.floor(rnd() * 256) : 48 + Math.floor(rnd() * 3));
    const tail = (n: number) => Array.from({ length: n }, byte).join('');
    // Each phase's members share a shorter prefix than the last one's, down to none.
    const prefixes = ['user:\x00\xff:0000000000000000000000000000000000000000:', 'user:\x00\xff:000', 'user:', 'u', ''];
    for (const prefix of prefixes) {
      for (let step = 0; step < 6000; step++) {
        const ele = prefix + tail(Math.floor(rnd() * 12));
        const cur = model.get(ele);
        if (cur === undefined) {
          t.insert(0, ele);
          model.set(ele, 0);
        } else if (rnd() < 0.5) {
          if (!t.delete(0, ele)) problems.push(`delete ${JSON.stringify(ele)} missed`);
          model.delete(ele);
        }
      }
      problems.push(...check(t, model));
      const sorted = [...model.keys()].sort();
      const bounds = ['', 'u', 'user:', 'user;', 'a', '\xff', prefix, prefix + '1', prefix + '\x00', ...sorted.filter(() => rnd() < 0.01)];
      for (const b of bounds) {
        for (const ex of [false, true]) {
          const want = sorted.filter((e) => (ex ? e <= b : e < b)).length;
          if (t.rankByLex(b, ex) !== want) problems.push(`rankByLex ${JSON.stringify(b)} ${ex}`);
        }
      }
    }
    expect(model.size).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });

  it("seek walks a search's ranges: forward in a leaf, to the next leaf, far away and back", () => {
    const t = new ScoreTree();
    for (let i = 0; i < 20000; i++) t.insert(i * 2, `s${i}`);
    const c = t.fromScore(-5);
    expect(here(c)).toEqual(['s0', 0]);
    // Each bound ahead of the cursor, then one behind it, then one past the end.
    for (const [min, want] of [
      [3, ['s2', 4]],
      [4, ['s2', 4]],
      [130, ['s65', 130]],
      [131, ['s66', 132]],
      [30001, ['s15001', 30002]],
      [17, ['s9', 18]],
      [39998, ['s19999', 39998]],
      [39999, null],
      [1, ['s1', 2]],
    ] as [number, Pair | null][]) {
      c.seek(min);
      expect([min, here(c)]).toEqual([min, want]);
    }
    expect(here(new ScoreTree().fromScore(0))).toBeNull();
  });

  it('deletes a member only with its own score', () => {
    const t = new ScoreTree();
    t.insert(1, 'a');
    expect(t.delete(2, 'a')).toBe(false);
    expect(t.delete(1, 'b')).toBe(false);
    expect(t.delete(1, 'a')).toBe(true);
    expect(t.length).toBe(0);
  });

  it('deleteRange removes a run across leaves and reports each member', () => {
    const t = new ScoreTree();
    for (let i = 0; i < 5000; i++) t.insert(i, `e${i}`);
    const gone: string[] = [];
    expect(t.deleteRange(100, 3000, (ele) => gone.push(ele))).toBe(3000);
    expect(gone[0]).toBe('e100');
    expect(gone[2999]).toBe('e3099');
    expect(t.length).toBe(2000);
    expect(t.at(100).ele).toBe('e3100');
    expect(t.rankOf(4999, 'e4999')).toBe(1999);
    expect(t.deleteRange(1990, 100, () => undefined)).toBe(10);
  });

  it('emptying and refilling keeps working (ZPOPMIN-style drains)', () => {
    const t = new ScoreTree();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10000; i++) t.insert(i, `r${round}:${i}`);
      for (let i = 0; i < 10000; i++) {
        const c = t.at(0);
        expect(t.delete(c.score, c.ele)).toBe(true);
      }
      expect(t.length).toBe(0);
      expect(t.at(0).valid).toBe(false);
    }
  });
});

describe('sorted sets: score and lex spans', () => {
  it('finds the ranks of score ranges, inclusive and exclusive', () => {
    const z = new ZSet();
    const limits = { maxEntries: 128, maxValue: 64 };
    for (let i = 0; i < 100; i++) z.insert(i, `e${String(i).padStart(3, '0')}`, limits);
    expect(scoreSpan(z, parseScoreRange('(10', '20'))).toEqual([11, 10]);
    expect(scoreSpan(z, parseScoreRange('10', '(20'))).toEqual([10, 10]);
    expect(scoreSpan(z, parseScoreRange('100', '+inf'))[1]).toBe(0);
    expect(scoreSpan(z, parseScoreRange('(5', '(6'))[1]).toBe(0);
    expect(scoreSpan(z, parseScoreRange('-inf', '+inf'))).toEqual([0, 100]);
    expect(scoreSpan(z, parseScoreRange('30', '20'))[1]).toBe(0);
  });

  it('finds the ranks of lex ranges over equal scores', () => {
    const z = new ZSet();
    const limits = { maxEntries: 128, maxValue: 64 };
    for (let i = 0; i < 100; i++) z.insert(0, `e${String(i).padStart(3, '0')}`, limits);
    expect(lexSpan(z, parseLexRange('(e010', '+'))).toEqual([11, 89]);
    expect(lexSpan(z, parseLexRange('-', '[e050'))).toEqual([0, 51]);
    expect(lexSpan(z, parseLexRange('-', '(e050'))).toEqual([0, 50]);
    expect(lexSpan(z, parseLexRange('+', '-'))[1]).toBe(0);
    expect(lexSpan(z, parseLexRange('[e020', '[e010'))[1]).toBe(0);
  });

  it('removes runs of members, keeping ranks and ZSCAN cursors consistent', () => {
    const z = new ZSet();
    const limits = { maxEntries: 128, maxValue: 64 };
    for (let i = 0; i < 300; i++) z.insert(i, `m${i}`, limits);
    expect(z.listpack).toBe(false);
    expect(z.deleteRange(10, 50)).toBe(50);
    expect(z.size).toBe(250);
    expect(z.at(10).ele).toBe('m60');
    expect(z.rank('m299')).toBe(249);
    expect(z.score('m59')).toBeUndefined();
    const seen: string[] = [];
    let cursor = 0;
    do cursor = z.index!.scan(cursor, 17, (k) => seen.push(k));
    while (cursor !== 0);
    expect(seen.sort()).toEqual(z.members().sort());
  });
});
