import { difference, intersect, intersectCard, union } from '../../../modules/sets/algebra';
import { picks, sample } from '../../../modules/sets/random';
import { sscan } from '../../../modules/sets/scan';
import { compareInt, setOf, SetType } from '../../../modules/sets/set';

const MAX = 512;

describe('RSet and its helpers', () => {
  it('adds, removes and keeps slots dense', () => {
    const s = setOf(['a', 'b', 'c', 'd'], MAX);
    expect(s.add('a', MAX)).toBe(false);
    expect(s.remove('b')).toBe(true);
    expect(s.remove('b')).toBe(false);
    expect(s.size).toBe(3);
    expect([...s.members].sort()).toEqual(['a', 'c', 'd']);
    expect(s.has('d') && s.has('c') && !s.has('b')).toBe(true);
    s.remove('d');
    s.remove('a');
    s.remove('c');
    expect(s.size).toBe(0);
    expect(s.add('c', MAX)).toBe(true);
    expect(s.members).toEqual(['c']);
  });

  it('tracks the intset encoding as Redis 7.0 does, never converting back', () => {
    expect(setOf(['1', '-2', '9223372036854775807'], MAX).intset).toBe(true);
    for (const m of ['01', '+1', '-0', '1.0', '9223372036854775808', '', 'x']) expect(setOf([m], MAX).intset).toBe(false);
    const s = setOf(['1', '2'], 2);
    expect(s.intset).toBe(true);
    s.add('3', 2);
    expect(s.intset).toBe(false);
    s.remove('3');
    expect(s.intset).toBe(false);
    expect(SetType.encoding(s)).toBe('hashtable');
    expect(setOf(['1'], 0).intset).toBe(false);
  });

  it('keeps an intset of packed digits in numeric order, every width and sign, int64 extremes included', () => {
    const xs = ['10', '-1', '9', '-10', '0', '9223372036854775807', '-9223372036854775808', '100', '-9', '1234567890123456', '-999999999999999', '55', '5'];
    const s = setOf(xs, MAX);
    expect(s.intset).toBe(true);
    const sorted = [...xs].sort(compareInt);
    expect(s.members).toEqual(sorted);
    expect(s.size).toBe(xs.length);
    for (const x of xs) expect(s.has(x)).toBe(true);
    for (const x of ['11', '-11', '1', '50', '56', '9223372036854775806', '1234567890123457', '-99999999999999']) expect(s.has(x)).toBe(false);
    expect(s.add('-10', MAX)).toBe(false);
    expect(s.add('56', MAX)).toBe(true);
    expect(s.remove('9223372036854775807')).toBe(true);
    expect(s.remove('-9223372036854775808')).toBe(true);
    expect(s.remove('9223372036854775807')).toBe(false);
    expect(s.members).toEqual(['-999999999999999', '-10', '-9', '-1', '0', '5', '9', '10', '55', '56', '100', '1234567890123456']);
    expect(s.members).toContain(s.random());
    // Five members of up to six digits: 15 bytes (their text and a length byte each took 24).
    expect(setOf(['1', '22', '123456', '4444', '200000'], MAX).packedBytes).toBe(15);
  });

  it('orders canonical integers numerically, int64 extremes included', () => {
    const xs = ['10', '-1', '9', '-10', '0', '9223372036854775807', '-9223372036854775808', '100', '-9'];
    expect([...xs].sort(compareInt)).toEqual(['-9223372036854775808', '-10', '-9', '-1', '0', '9', '10', '100', '9223372036854775807']);
    expect(setOf(['3', '1', '2'], MAX).ordered()).toEqual(['1', '2', '3']);
  });

  it('clone is deep; elements are what SORT reads', () => {
    const s = setOf(['2', '1'], MAX);
    const c = SetType.clone(s);
    c.add('x', MAX);
    expect(s.size).toBe(2);
    expect(s.intset).toBe(true);
    expect(c.intset).toBe(false);
    expect(SetType.elements!(s)).toEqual(['1', '2']);
    expect(SetType.is(s) && !SetType.is('str')).toBe(true);
    expect(SetType.memory!(c)).toBeGreaterThan(SetType.memory!(s));
  });

  it('set algebra', () => {
    const a = setOf(['1', '2', '3', 'x'], MAX);
    const b = setOf(['2', '3', '4', 'x'], MAX);
    const i = setOf(['3', '1'], MAX);
    expect(intersect([a, b], 0).sort()).toEqual(['2', '3', 'x']);
    expect(intersect([a, i], 0)).toEqual(['1', '3']);
    expect(intersect([a, b], 2)).toHaveLength(2);
    expect(intersectCard([a, b, a], 0)).toBe(3);
    expect(intersectCard([a, b], 1)).toBe(1);
    expect(union([a, undefined, i], MAX).size).toBe(4);
    expect(difference([a, b], MAX).members).toEqual(['1']);
    expect(difference([a, undefined, a], MAX).size).toBe(0);
    expect(difference([undefined, a], MAX).size).toBe(0);
  });

  it('difference keeps the hashtable encoding when algorithm 2 copied a non-integer first', () => {
    const first = setOf(['x', '1', '2'], MAX);
    const other = setOf(['x', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], MAX);
    // Algorithm 1 (work 3 * 3 / 2 = 4 <= 3 + 9 + 9) adds only survivors: an intset.
    expect(difference([first, other, other], MAX).intset).toBe(true);
    const small = setOf(['x'], MAX);
    // A tie (3 * 4 / 2 = 6 against 3 + 1 + 1 + 1 = 6) still picks algorithm 1.
    expect(difference([first, small, small, small], MAX).intset).toBe(true);
    const many = [first, ...Array.from({ length: 8 }, () => setOf(['x'], MAX))];
    // 3 * 9 / 2 = 13 > 3 + 8 = 11: algorithm 2 copies the first set, 'x' included, then subtracts.
    const d = difference(many, MAX);
    expect(d.ordered().sort()).toEqual(['1', '2']);
    expect(d.intset).toBe(false);
  });

  it('samples: distinct for sample(), with repeats for picks()', () => {
    const s = setOf(Array.from({ length: 100 }, (_, i) => `m${i}`), MAX);
    for (const n of [1, 10, 33, 34, 99]) {
      const got = sample(s, n);
      expect(got).toHaveLength(n);
      expect(new Set(got).size).toBe(n);
      for (const m of got) expect(s.has(m)).toBe(true);
    }
    const p = picks(setOf(['a', 'b'], MAX), 50);
    expect(p).toHaveLength(50);
    expect(new Set(p)).toEqual(new Set(['a', 'b']));
  });

  it('SSCAN cursors: each member present throughout is returned at least once', () => {
    const s = setOf(Array.from({ length: 200 }, (_, i) => `k${i}`), MAX);
    const seen = new Set<string>();
    let cursor = 0;
    let step = 0;
    do {
      const [next, items] = sscan(s, cursor, ['SSCAN', 'k', String(cursor), 'COUNT', '9']) as [string, string[]];
      items.forEach((m) => seen.add(m));
      cursor = Number(next);
      // Churn: drop members k150.., add new ones.
      s.remove(`k${150 + (step % 50)}`);
      s.add(`new${step}`, MAX);
      step++;
    } while (cursor !== 0);
    for (let i = 0; i < 150; i++) expect(seen.has(`k${i}`)).toBe(true);
  });

  it('keeps an intset sorted and exact through a random mix of adds and removes, int64 extremes included', () => {
    let seed = 5;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const pool = ['0', '-1', '1', '9', '10', '-10', '99', '100', '-9223372036854775808', '9223372036854775807', '9007199254740993', '-9007199254740993', '123456789012'];
    const s = setOf([], MAX);
    const model = new Set<string>();
    for (let step = 0; step < 2000; step++) {
      const m = pool[rnd(pool.length)];
      if (rnd(3) === 0) expect(s.remove(m)).toBe(model.delete(m));
      else {
        expect(s.add(m, MAX)).toBe(!model.has(m));
        model.add(m);
      }
      expect(s.has(m)).toBe(model.has(m));
      expect(s.size).toBe(model.size);
    }
    expect(s.intset).toBe(true);
    expect(s.ordered()).toEqual([...model].sort(compareInt));
    if (s.size > 0) expect(model.has(s.random())).toBe(true);
    s.add('x', MAX);
    expect(s.intset).toBe(false);
    expect(s.ordered().sort()).toEqual([...model, 'x'].sort());
  });

  it('an existing member at the intset limit does not convert it', () => {
    const s = setOf(['1', '2'], 2);
    expect(s.add('2', 2)).toBe(false);
    expect(s.intset).toBe(true);
    expect(s.add('3', 2)).toBe(true);
    expect(s.intset).toBe(false);
  });

  it("a hashtable's memory estimate follows its writes as a full count of its members would", () => {
    // The estimate keeps a running byte count; the count it replaced walked every member.
    const counted = (members: string[]) => 96 + 40 * members.length + members.reduce((n, m) => n + m.length, 0);
    let seed = 5;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const s = setOf(['1', '2', 'not a number'], MAX);
    expect(s.intset).toBe(false);
    for (let step = 0; step < 3000; step++) {
      const m = 'm'.repeat(rnd(20)) + rnd(300) + (rnd(2) === 0 ? '\xff\0' : '');
      if (rnd(3) === 0) s.remove(m);
      else s.add(m, MAX);
      if (step % 100 === 0) expect(SetType.memory!(s)).toBe(counted(s.members));
    }
    expect(SetType.memory!(s)).toBe(counted(s.members));
    expect(SetType.memory!(s, 0)).toBe(counted(s.members));
    expect(SetType.memory!(s.clone())).toBe(counted(s.members));
    const firstTwo = s.members[0].length + s.members[1].length;
    expect(SetType.memory!(s, 2)).toBe(Math.round(96 + s.size * (40 + firstTwo / 2)));
  });
});
