import { globMatch } from '../../kernel/util/glob';
import keysGlob from './fixtures/redis-7.0.15-keys-glob.json';

/**
 * The fixture was recorded from redis-server 7.0.15: for each [pattern, key], FLUSHALL,
 * SET key, KEYS pattern, and whether the key came back (stringmatchlen, case-sensitive).
 * ('*' alone is left out: KEYS and SCAN short-cut it without calling stringmatchlen.)
 */
const recorded = keysGlob as [string, string, boolean][];

describe('globMatch (stringmatchlen)', () => {
  it(`agrees with redis-server KEYS on ${recorded.length} recorded cases`, () => {
    const wrong = recorded.filter(([p, s, want]) => globMatch(p, s) !== want).map(([pattern, key, want]) => ({ pattern, key, want }));
    expect(wrong).toEqual([]);
  });

  it("does not match '*' against the empty string (redis-server: PSUBSCRIBE * gets no PUBLISH to '')", () => {
    expect(globMatch('*', '')).toBe(false);
    expect(globMatch('', '')).toBe(true);
  });

  it.each([
    ['h?llo', 'hello', true],
    ['h*llo', 'hllo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['[a-]', '-', false],
    ['\\*', '*', true],
    ['\\*', 'a', false],
  ])('%j vs %j -> %p', (p, s, want) => {
    expect(globMatch(p, s)).toBe(want);
  });

  it('treats bytes >= 0x80 in ranges as negative (signed char), as Redis does', () => {
    expect(globMatch('[a-\xff]', 'b')).toBe(false);
    expect(globMatch('[a-\xff]', '\x01')).toBe(true);
    expect(globMatch('[\xf0-\xff]', '\xfe')).toBe(true);
    expect(globMatch('[^a-\xff]', '\xfe')).toBe(true);
    // Outside ranges high bytes are just bytes.
    expect(globMatch('\xff*', '\xff\x00\x80')).toBe(true);
  });

  describe('nocase (CONFIG GET, ACL patterns)', () => {
    it.each([
      ['HELLO', 'hello', true],
      ['h*LLO', 'HeLlo', true],
      ['[A-C]x', 'bx', true],
      ['[a-c]x', 'BX', true],
      ['[^A-C]x', 'bx', false],
      ['[XYZ]', 'y', true],
      ['\\H', 'h', true],
      ['MAX*', 'maxmemory-policy', true],
      ['*-MAX-*', 'list-max-listpack-size', true],
      ['[', '[', false],
      ['é', 'É', false],
    ])('%j vs %j -> %p', (p, s, want) => {
      expect(globMatch(p, s, true)).toBe(want);
    });

    it('is case-sensitive without the flag', () => {
      expect(globMatch('HELLO', 'hello')).toBe(false);
      expect(globMatch('[A-C]x', 'bx')).toBe(false);
    });
  });

  it('gives up quickly on patterns with many stars that cannot match (skipLongerMatches)', () => {
    const stars = '*a'.repeat(60) + '*b';
    expect(globMatch(stars, 'a'.repeat(5000))).toBe(false);
    expect(globMatch(stars, 'a'.repeat(5000) + 'b')).toBe(true);
    expect(globMatch('*?'.repeat(200) + 'x', 'y'.repeat(5000))).toBe(false);
    expect(globMatch('[a-z]*[0-9]*'.repeat(50) + '!', 'a1'.repeat(2000))).toBe(false);
    // The flag is per call: a failed pathological match does not poison the next one.
    expect(globMatch('*a*b', 'xaxb')).toBe(true);
  });

  it('handles long subjects and patterns without recursion trouble', () => {
    const key = 'k'.repeat(100000);
    expect(globMatch('k*k', key)).toBe(true);
    expect(globMatch('*', key)).toBe(true);
    expect(globMatch('?'.repeat(100000), key)).toBe(true);
    expect(globMatch('?'.repeat(99999), key)).toBe(false);
  });
});
