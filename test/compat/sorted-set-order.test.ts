import { useCompat } from '../helpers/compat';
import { firstDifferences, pipelined, seeded } from '../helpers/pipeline';

/**
 * The order of members of equal score, driven hot: the tree orders them by a number made of
 * their bytes past a shared prefix, and by the strings only when those bytes are equal, so
 * members that share prefixes, differ only after byte 6 or 8, are prefixes of each other,
 * are binary or empty, and prefixes that shrink as members arrive are what is tested here.
 */
describe('sorted sets: equal-score order vs redis-server 7.0', () => {
  const h = useCompat();

  it('300,000 pipelined ZADD/GEOADD/ZREM/ZRANK/ZRANGEBYLEX on equal scores give byte-identical replies', async () => {
    const rand = seeded(0x2e7);
    const below = (n: number) => Math.floor(rand() * n);
    const bytes = (n: number, alphabet: string) => Array.from({ length: n }, () => alphabet[below(alphabet.length)]).join('');
    const BINARY = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
    const NARROW = '\x00\x01ab\xfe\xff';
    const LONG = 'tenant:\x00\xff:' + 'x'.repeat(60) + ':';
    /** Member families, from the one with the longest shared prefix to none at all. */
    const families: (() => string)[] = [
      // Longer than zset-max-listpack-value, sharing more than the tree keeps as a prefix.
      () => LONG + bytes(below(10), NARROW),
      () => 'tenant:' + bytes(below(8), NARROW),
      // redis-benchmark's __rand_int__ members: equal up to byte 9.
      () => `m:${String(below(100_000)).padStart(12, '0')}`,
      // Equal in the first 6 or 8 bytes, then differing (or ending).
      () => 'abcdef' + bytes(below(4), NARROW),
      () => 'abcdefgh' + bytes(below(4), NARROW),
      () => ['', 'a', 'ab', 'abc', 'abcdef', 'abcdefg', 'abcdefg\x00', 'abcdefgh\x00', '\x00', '\xff', '\xff\xff'][below(11)],
      () => bytes(below(12), BINARY),
    ];
    /** Members of the first `phase + 1` families: the shared prefix shrinks phase by phase. */
    const member = (phase: number) => families[below(Math.min(phase + 1, families.length))]();
    const lexBound = (phase: number) => {
      const r = below(10);
      if (r === 0) return '-';
      if (r === 1) return '+';
      return (r % 2 === 0 ? '[' : '(') + (r === 3 ? bytes(below(3), BINARY) : member(phase));
    };
    const cmds: string[][] = [['FLUSHALL']];
    const N = 300_000;
    for (let i = 0; i < N; i++) {
      const phase = Math.floor((i / N) * (families.length + 1));
      const r = below(100);
      if (r < 35) cmds.push(['ZADD', 'lex', '0', member(phase)]);
      else if (r < 55) cmds.push(['GEOADD', 'geo', `13.0000000${below(100)}`, `45.0000000${below(100)}`, member(phase)]);
      else if (r < 65) cmds.push(['ZADD', 'few', String(below(3)), member(phase)]);
      else if (r < 78) cmds.push(['ZREM', ['lex', 'geo', 'few'][below(3)], member(phase), member(phase)]);
      else if (r < 88) cmds.push([r % 2 === 0 ? 'ZRANK' : 'ZREVRANK', ['lex', 'geo', 'few'][below(3)], member(phase)]);
      else if (r < 95) cmds.push(['ZRANGEBYLEX', ['lex', 'geo'][below(2)], lexBound(phase), lexBound(phase), 'LIMIT', '0', '3']);
      else cmds.push(['ZLEXCOUNT', 'lex', lexBound(phase), lexBound(phase)]);
    }
    for (const k of ['lex', 'geo', 'few']) cmds.push(['ZCARD', k], ['OBJECT', 'ENCODING', k], ['ZRANGE', k, '0', '-1', 'WITHSCORES']);
    const redis = await pipelined(h.redisPort(), cmds);
    const ferrous = await pipelined(h.ferrousPort(), cmds);
    expect(firstDifferences(cmds, redis, ferrous)).toEqual([]);
    expect(ferrous).toHaveLength(cmds.length);
    // The sets grew past the listpack limits (the tree is what was tested) and lex ranges found members.
    expect(ferrous.slice(-9, -6)).toEqual([expect.stringMatching(/^:\d{4,}\r\n$/), '$8\r\nskiplist\r\n', expect.anything()]);
    expect(ferrous.filter((r, i) => cmds[i][0] === 'ZRANGEBYLEX' && r !== '*0\r\n').length).toBeGreaterThan(5_000);
  }, 180_000);
});
