import { packDouble, packedAt, packedCompare, packedCut, packedEquals, packedFind, packedLength, packedNext, packedStart, packEntry, unpackDouble } from '../../kernel';

describe('kernel: packed strings', () => {
  it('round-trips entries of every length class, binary bytes included', () => {
    const items = ['', 'a', '\x00\xff\r\n', 'x'.repeat(254), 'y'.repeat(255), 'z'.repeat(70000)];
    const p = items.map(packEntry).join('');
    const back: string[] = [];
    for (let pos = 0; pos < p.length; pos = packedNext(p, pos)) back.push(packedAt(p, pos));
    expect(back).toEqual(items);
    expect(packedLength(p, packedNext(p, packedNext(p, packedNext(p, packedNext(p, 0)))))).toBe(255);
    expect(packedFind(p, 'y'.repeat(255), 1)).toBeGreaterThan(0);
    expect(packedFind(p, 'nope', 1)).toBe(-1);
    // Step 2 compares only every other entry (fields of field/value pairs).
    expect(packedFind(p, 'a', 2)).toBe(-1);
    expect(packedFind(p, '', 2)).toBe(0);
  });

  it('compares bytes as memcmp then length, and equality without slicing', () => {
    const p = packEntry('abc');
    const start = packedStart(p, 0);
    expect(packedCompare(p, start, 3, 'abd')).toBeLessThan(0);
    expect(packedCompare(p, start, 3, 'ab')).toBeGreaterThan(0);
    expect(packedCompare(p, start, 3, 'abc')).toBe(0);
    expect(packedCompare(p, start, 3, '\xff')).toBeLessThan(0);
    expect(packedEquals(p, start, 3, 'abc')).toBe(true);
    expect(packedEquals(p, start, 3, 'abC')).toBe(false);
  });

  it('packs doubles exactly, sign of zero and infinities included', () => {
    for (const d of [0, -0, 1.5, -1e300, Number.MIN_VALUE, Infinity, -Infinity, 0.1 + 0.2]) {
      expect(Object.is(unpackDouble('xx' + packDouble(d), 2), d)).toBe(true);
    }
  });

  it('cuts a range out at the head, the middle and the tail', () => {
    const p = 'abcdefghijklmnopqrstuvwxyz';
    expect(packedCut(p, 0, 3)).toBe(p.slice(3));
    expect(packedCut(p, 20, 26)).toBe(p.slice(0, 20));
    expect(packedCut(p, 5, 10)).toBe('abcde' + p.slice(10));
    expect(packedCut(p, 0, 26)).toBe('');
    expect(packedCut(p, 0, 20)).toBe('uvwxyz');
  });
});
