import { parseLexRange, parseScoreRange } from '../../../modules/sorted-sets/ranges';
import { SkipList, type ZNode } from '../../../modules/sorted-sets/skiplist';
import { ZSet } from '../../../modules/sorted-sets/zset';

type Pair = [ele: string, score: number];

function cmp(a: Pair, b: Pair): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

function walk(zsl: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let n = zsl.first; n !== null; n = n.next[0]) out.push([n.ele, n.score]);
  return out;
}

function walkBack(zsl: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let n = zsl.tail; n !== null; n = n.backward) out.push([n.ele, n.score]);
  return out;
}

/** A deterministic PRNG so a failure reproduces. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
}

describe('sorted sets: skip list', () => {
  it('keeps (score, member) order, ranks and back links through random inserts, updates and deletes', () => {
    const rnd = prng(42);
    const zsl = new SkipList();
    const nodes = new Map<string, ZNode>();
    const model = new Map<string, number>();
    for (let step = 0; step < 4000; step++) {
      const ele = `m${Math.floor(rnd() * 600)}`;
      const score = Math.floor(rnd() * 50);
      const node = nodes.get(ele);
      const r = rnd();
      if (node === undefined) {
        nodes.set(ele, zsl.insert(score, ele));
        model.set(ele, score);
      } else if (r < 0.5) {
        zsl.updateScore(node, score);
        model.set(ele, score);
      } else {
        zsl.delete(node);
        nodes.delete(ele);
        model.delete(ele);
      }
    }
    const expected = [...model.entries()].sort(cmp);
    expect(zsl.length).toBe(expected.length);
    expect(walk(zsl)).toEqual(expected);
    expect(walkBack(zsl)).toEqual([...expected].reverse());
    expected.forEach(([ele], i) => {
      expect(zsl.rankOf(nodes.get(ele)!)).toBe(i);
      expect(zsl.at(i)!.ele).toBe(ele);
    });
    expect(zsl.at(expected.length)).toBeNull();
    expect(zsl.at(-1)).toBeNull();
  });

  it('finds the first and last nodes of score and lex ranges', () => {
    const zsl = new SkipList();
    for (let i = 0; i < 100; i++) zsl.insert(i, `e${String(i).padStart(3, '0')}`);
    expect(zsl.firstInRange(parseScoreRange('(10', '20'))!.score).toBe(11);
    expect(zsl.lastInRange(parseScoreRange('(10', '20'))!.score).toBe(20);
    expect(zsl.lastInRange(parseScoreRange('10', '(20'))!.score).toBe(19);
    expect(zsl.firstInRange(parseScoreRange('100', '+inf'))).toBeNull();
    expect(zsl.firstInRange(parseScoreRange('(5', '(6'))).toBeNull();
    expect(zsl.firstInLexRange(parseLexRange('(e010', '+'))!.ele).toBe('e011');
    expect(zsl.lastInLexRange(parseLexRange('-', '[e050'))!.ele).toBe('e050');
    expect(zsl.firstInLexRange(parseLexRange('+', '-'))).toBeNull();
  });

  it('removes runs of nodes with correct spans afterwards', () => {
    const z = new ZSet();
    const limits = { maxEntries: 128, maxValue: 64 };
    for (let i = 0; i < 300; i++) z.insert(i, `m${i}`, limits);
    expect(z.listpack).toBe(false);
    expect(z.deleteRun(z.zsl.at(10)!, 50)).toBe(50);
    expect(z.size).toBe(250);
    expect(z.zsl.at(10)!.ele).toBe('m60');
    expect(z.zsl.rankOf(z.dict.get('m299')!)).toBe(249);
    expect(z.dict.has('m59')).toBe(false);
    const seen: string[] = [];
    let cursor = 0;
    do cursor = z.index!.scan(cursor, 17, (k) => seen.push(k));
    while (cursor !== 0);
    expect(seen.sort()).toEqual([...z.dict.keys()].sort());
  });
});
