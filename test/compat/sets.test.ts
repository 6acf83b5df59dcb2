import { useCompat } from '../helpers/compat';
import { RawClient } from '../helpers/raw-client';
import { decode, type Decoded } from '../helpers/resp-reader';

const BIN = 'a\x00b\r\nc\xff';

/** Set members come in hash-table order: sort every array and set, recursively. */
function unordered(d: Decoded): Decoded {
  if (Array.isArray(d)) return d.map(unordered).sort(byJson);
  if (d !== null && typeof d === 'object' && 'set' in d) return { set: d.set.map(unordered).sort(byJson) };
  return d;
}

function byJson(a: Decoded, b: Decoded): number {
  const x = JSON.stringify(a, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  const y = JSON.stringify(b, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  return x < y ? -1 : x > y ? 1 : 0;
}

describe('sets vs redis-server 7.0', () => {
  const h = useCompat();

  /** Same replies up to member order; the reply type bytes ('*' vs '~') must match too. */
  async function sameUnordered(resp: 2 | 3, ...commands: string[][]): Promise<void> {
    const { ferrous, redis } = await h.both(commands, resp);
    const norm = (raws: string[]) => raws.map((r) => ({ type: r[0], value: unordered(decode(r)) }));
    expect(commands.map((c, i) => ({ c: c.join(' '), ...norm(ferrous)[i] }))).toEqual(
      commands.map((c, i) => ({ c: c.join(' '), ...norm(redis)[i] })),
    );
  }

  it('SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS on intsets (sorted, as Redis)', async () => {
    const cmds = [
      ['SADD', 's', '5', '-3', '10', '0', '5'],
      ['SADD', 's', '5'],
      ['SCARD', 's'],
      ['SMEMBERS', 's'],
      ['SISMEMBER', 's', '10'],
      ['SISMEMBER', 's', '11'],
      ['SMISMEMBER', 's', '10', 'x', '-3', '10'],
      ['SMISMEMBER', 'nokey', 'a', 'b'],
      ['SISMEMBER', 'nokey', 'a'],
      ['SCARD', 'nokey'],
      ['SMEMBERS', 'nokey'],
      ['SREM', 's', '5', '77', '5'],
      ['SREM', 'nokey', 'a'],
      ['SMEMBERS', 's'],
      ['SREM', 's', '-3', '10', '0', 'more'],
      ['EXISTS', 's'],
      ['SADD', 'big', '9223372036854775807', '-9223372036854775808', '1', '-1', '100', '99', '-100', '-99'],
      ['SMEMBERS', 'big'],
      ['OBJECT', 'ENCODING', 'big'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('OBJECT ENCODING: intset until a non-canonical integer or too many entries, never back', async () => {
    await h.same(
      ['SADD', 'a', '1', '2'],
      ['OBJECT', 'ENCODING', 'a'],
      ['SADD', 'a', 'x'],
      ['OBJECT', 'ENCODING', 'a'],
      ['SREM', 'a', 'x'],
      ['OBJECT', 'ENCODING', 'a'],
      ['SADD', 'b', 'x'],
      ['OBJECT', 'ENCODING', 'b'],
      ...['01', '+1', ' 1', '1 ', '-0', '1.0', '9223372036854775808', '-9223372036854775809', '0x1', ''].flatMap((m, i) => [
        ['SADD', `n${i}`, m],
        ['OBJECT', 'ENCODING', `n${i}`],
      ]),
      ['SADD', 'edge', '-9223372036854775808', '9223372036854775807', '0'],
      ['OBJECT', 'ENCODING', 'edge'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '3'],
      ['SADD', 'c', '1', '2', '3'],
      ['OBJECT', 'ENCODING', 'c'],
      ['SADD', 'c', '4'],
      ['OBJECT', 'ENCODING', 'c'],
      ['SREM', 'c', '4', '3'],
      ['OBJECT', 'ENCODING', 'c'],
      ['SADD', 'd', '1', '2', '3', '4'],
      ['OBJECT', 'ENCODING', 'd'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '0'],
      ['SADD', 'e', '1'],
      ['OBJECT', 'ENCODING', 'e'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '-1'],
      ['CONFIG', 'SET', 'set-max-intset-entries', 'abc'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
      ['CONFIG', 'GET', 'set-max-intset-entries'],
      ['SADD', 'f', ...Array.from({ length: 512 }, (_, i) => String(i))],
      ['OBJECT', 'ENCODING', 'f'],
      ['SADD', 'f', '512'],
      ['OBJECT', 'ENCODING', 'f'],
      ['SCARD', 'f'],
    );
  });

  it('errors: arity, WRONGTYPE, syntax', async () => {
    const cmds = [
      ['SET', 'str', 'x'],
      ['SADD', 's'],
      ['SADD', 'str', 'a'],
      ['SREM', 's'],
      ['SREM', 'str', 'a'],
      ['SCARD'],
      ['SCARD', 'str'],
      ['SISMEMBER', 's'],
      ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 's'],
      ['SMISMEMBER', 'str', 'a'],
      ['SMEMBERS'],
      ['SMEMBERS', 'str'],
      ['SMEMBERS', 'a', 'b'],
      ['SPOP'],
      ['SPOP', 'str'],
      ['SPOP', 'str', '1'],
      ['SPOP', 's', '1', '2'],
      ['SRANDMEMBER'],
      ['SRANDMEMBER', 'str'],
      ['SRANDMEMBER', 'str', '1'],
      ['SRANDMEMBER', 's', '1', '2'],
      ['SMOVE', 's', 'd'],
      ['SINTER'],
      ['SINTER', 'str'],
      ['SINTERSTORE', 'd'],
      ['SINTERCARD', '1'],
      ['SUNION'],
      ['SUNION', 'str'],
      ['SUNIONSTORE', 'd'],
      ['SDIFF'],
      ['SDIFF', 'str'],
      ['SDIFFSTORE', 'd'],
      ['SSCAN', 's'],
      ['SSCAN', 'str', '0'],
      ['GET', 'str'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('binary members and hashtable sets (order-free comparison)', async () => {
    const members = [BIN, '', 'x', '\xff\xfe', ' ', '1', '-0', 'a b'];
    await sameUnordered(
      2,
      ['SADD', BIN, ...members],
      ['SCARD', BIN],
      ['SMEMBERS', BIN],
      ['SISMEMBER', BIN, BIN],
      ['SISMEMBER', BIN, ''],
      ['SMISMEMBER', BIN, BIN, 'nope', ''],
      ['SREM', BIN, BIN, ''],
      ['SMEMBERS', BIN],
      ['OBJECT', 'ENCODING', BIN],
    );
    await sameUnordered(3, ['SADD', 's', ...members], ['SMEMBERS', 's'], ['SINTER', 's'], ['SUNION', 's', 'nokey'], ['SDIFF', 's', 'nokey']);
  });

  it('SINTER, SUNION, SDIFF on intsets: sorted replies, RESP3 sets', async () => {
    const cmds = [
      ['SADD', 'a', '1', '2', '3', '4', '5'],
      ['SADD', 'b', '4', '5', '6', '2'],
      ['SADD', 'c', '5', '2', '9'],
      ['SINTER', 'a', 'b'],
      ['SINTER', 'a', 'b', 'c'],
      ['SINTER', 'a', 'a'],
      ['SINTER', 'a', 'nokey'],
      ['SINTER', 'nokey', 'a'],
      ['SUNION', 'a', 'b', 'c'],
      ['SUNION', 'nokey', 'c'],
      ['SUNION', 'nokey'],
      ['SDIFF', 'a', 'b'],
      ['SDIFF', 'a', 'b', 'c'],
      ['SDIFF', 'a', 'nokey'],
      ['SDIFF', 'nokey', 'a'],
      ['SDIFF', 'a', 'a'],
      ['SDIFF', 'a', 'c', 'a'],
      ['SDIFF', 'c', 'a'],
      ['SET', 'str', 'x'],
      ['SINTER', 'nokey', 'str'],
      ['SINTER', 'a', 'str'],
      ['SUNION', 'a', 'str'],
      ['SDIFF', 'nokey', 'str'],
      ['SDIFF', 'a', 'str'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('SINTER, SUNION, SDIFF on mixed and string sets (order-free)', async () => {
    const cmds = [
      ['SADD', 'a', 'x', 'y', 'z', '1', '2'],
      ['SADD', 'b', 'y', 'z', 'w', '2'],
      ['SADD', 'n', '1', '2', '3'],
      ['SINTER', 'a', 'b'],
      ['SINTER', 'n', 'a'],
      ['SUNION', 'a', 'b', 'n'],
      ['SDIFF', 'a', 'b'],
      ['SDIFF', 'b', 'a', 'n'],
      ['SDIFF', 'n', 'a'],
    ];
    await sameUnordered(2, ...cmds);
    await sameUnordered(3, ...cmds);
  });

  it('SINTERSTORE, SUNIONSTORE, SDIFFSTORE: counts, encodings, TTLs, empty results delete', async () => {
    const cmds = [
      ['SADD', 'a', '1', '2', '3', 'x'],
      ['SADD', 'b', '2', '3', '4', 'x'],
      ['SADD', 'i', '1', '2'],
      ['SINTERSTORE', 'd', 'a', 'b'],
      ['SCARD', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SINTERSTORE', 'd', 'a', 'i'],
      ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SUNIONSTORE', 'd', 'i', 'nokey'],
      ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SUNIONSTORE', 'u', 'a', 'b'],
      ['SCARD', 'u'],
      ['OBJECT', 'ENCODING', 'u'],
      ['SDIFFSTORE', 'd', 'a', 'b'],
      ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      // Algorithm 2 copies the first set whole: 'x' made it a hashtable before being subtracted.
      ['SADD', 'first', 'x', '1', '2'],
      ['SADD', 'one', 'x'],
      ['SADD', 'nine', 'x', 'y', 'z', 'w', 'v', 'u', 't', 's', 'r'],
      ['SDIFFSTORE', 'd', 'first', ...Array<string>(8).fill('one')],
      ['SCARD', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      // Algorithm 1 (the first set is small against the rest) adds only the survivors.
      ['SDIFFSTORE', 'd', 'first', 'nine', 'nine'],
      ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SET', 'str', 'v', 'EX', '100'],
      ['SINTERSTORE', 'str', 'i', 'i'],
      ['TYPE', 'str'],
      ['TTL', 'str'],
      ['SADD', 'ttl', '9'],
      ['EXPIRE', 'ttl', '100'],
      ['SUNIONSTORE', 'ttl', 'i'],
      ['TTL', 'ttl'],
      ['SINTERSTORE', 'd', 'a', 'nokey'],
      ['EXISTS', 'd'],
      ['SINTERSTORE', 'd', 'a', 'nokey'],
      ['SUNIONSTORE', 'u', 'nokey', 'nokey2'],
      ['EXISTS', 'u'],
      ['SADD', 'd', '1'],
      ['SDIFFSTORE', 'd', 'i', 'i'],
      ['EXISTS', 'd'],
      ['SET', 'str2', 'x'],
      ['SDIFFSTORE', 'str2', 'nokey'],
      ['EXISTS', 'str2'],
      ['SINTERSTORE', 'd', 'str', 'a'],
      ['SINTERSTORE', 'd', 'nokey', 'str'],
      ['SUNIONSTORE', 'd', 'a', 'str'],
      ['SDIFFSTORE', 'd', 'a', 'str'],
      ['SINTERSTORE', 'a', 'a', 'i'],
      ['SMEMBERS', 'a'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('SINTERCARD with LIMIT, and its errors', async () => {
    const cmds = [
      ['SADD', 'a', '1', '2', '3', '4', 'x'],
      ['SADD', 'b', '2', '3', '4', 'x', 'y'],
      ['SINTERCARD', '2', 'a', 'b'],
      ['SINTERCARD', '1', 'a'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'],
      ['SINTERCARD', '2', 'a', 'b', 'limit', '100'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1', 'LIMIT', '3'],
      ['SINTERCARD', '2', 'a', 'nokey'],
      ['SINTERCARD', '1', 'nokey'],
      ['SINTERCARD', '0', 'a'],
      ['SINTERCARD', '-1', 'a'],
      ['SINTERCARD', 'abc', 'a'],
      ['SINTERCARD', '3', 'a', 'b'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', 'abc'],
      ['SINTERCARD', '2', 'a', 'b', 'FOO', '1'],
      ['SINTERCARD', '1', 'a', 'b'],
      ['SET', 'str', 'x'],
      ['SINTERCARD', '2', 'nokey', 'str'],
      ['SINTERCARD', '2', 'a', 'str', 'LIMIT', '-1'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('SMOVE: moves, no-ops, creates and deletes keys, type checks', async () => {
    const cmds = [
      ['SADD', 'src', '1', '2', 'x'],
      ['SMOVE', 'src', 'dst', '1'],
      ['SMEMBERS', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['SMOVE', 'src', 'dst', 'nope'],
      ['SMOVE', 'src', 'dst2', 'x'],
      ['OBJECT', 'ENCODING', 'dst2'],
      ['SMOVE', 'src', 'src', '2'],
      ['SMOVE', 'src', 'src', '9'],
      ['SADD', 'dst', '2'],
      ['SMOVE', 'src', 'dst', '2'],
      ['EXISTS', 'src'],
      ['SMEMBERS', 'dst'],
      ['SMOVE', 'nokey', 'dst', '1'],
      ['SET', 'str', 'v'],
      ['SMOVE', 'nokey', 'str', '1'],
      ['SMOVE', 'dst', 'str', '1'],
      ['SMOVE', 'dst', 'str', 'nope'],
      ['SMOVE', 'str', 'dst', '1'],
      ['SMEMBERS', 'dst'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('SPOP and SRANDMEMBER: deterministic cases, counts and errors', async () => {
    const cmds = [
      ['SADD', 's', '3', '1', '2'],
      ['SRANDMEMBER', 's', '0'],
      ['SRANDMEMBER', 's', '3'],
      ['SRANDMEMBER', 's', '100'],
      ['SRANDMEMBER', 'nokey'],
      ['SRANDMEMBER', 'nokey', '5'],
      ['SRANDMEMBER', 'nokey', '-5'],
      ['SRANDMEMBER', 's', 'abc'],
      ['SRANDMEMBER', 's', '1.5'],
      ['SRANDMEMBER', 's', '-9223372036854775808'],
      ['SRANDMEMBER', 'nokey', '-9223372036854775808'],
      ['SRANDMEMBER', 's', '9223372036854775808'],
      ['SPOP', 'nokey'],
      ['SPOP', 'nokey', '3'],
      ['SPOP', 'nokey', '0'],
      ['SPOP', 's', '0'],
      ['SPOP', 's', '-1'],
      ['SPOP', 's', 'abc'],
      ['SPOP', 'nokey', '-1'],
      ['SCARD', 's'],
      ['SPOP', 's', '3'],
      ['EXISTS', 's'],
      ['SADD', 's', '7'],
      ['SPOP', 's'],
      ['EXISTS', 's'],
      ['SADD', 's', '7', '8'],
      ['SPOP', 's', '9223372036854775807'],
      ['SET', 'str', 'v'],
      ['SPOP', 'str', '0'],
      ['SRANDMEMBER', 'str', '0'],
      ['SRANDMEMBER', 'str', 'abc'],
      ['SPOP', 'str', 'abc'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('SPOP with a count leaving few members rebuilds the set: fresh encoding, intset order', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => String(i + 1));
    const cmds = [
      ['CONFIG', 'SET', 'set-max-intset-entries', '4'],
      ['SADD', 's', '1', '2', '3', '4', '5', '6'],
      ['OBJECT', 'ENCODING', 's'],
      ['SPOP', 's', '5'],
      ['SCARD', 's'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 't', ...ten],
      ['SPOP', 't', '1'],
      ['OBJECT', 'ENCODING', 't'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
      ['SADD', 'u', ...ten],
      ['SPOP', 'u', '9'],
      ['OBJECT', 'ENCODING', 'u'],
    ];
    const random = new Set([3, 7, 11]);
    const { ferrous, redis } = await h.both(cmds);
    const fixed = (raws: string[]) => raws.map((r, i) => (random.has(i) ? `${r[0]}${(decode(r) as string[]).length}` : r));
    expect(fixed(ferrous)).toEqual(fixed(redis));
    // Nine of an intset's ten popped at once: Redis replies in the intset's (ascending) order.
    for (const raw of [ferrous[11], redis[11]]) {
      const popped = (decode(raw) as string[]).map(Number);
      expect(popped).toEqual([...popped].sort((a, b) => a - b));
    }
  });

  it('SPOP and SRANDMEMBER reply shapes and lengths match (random members)', async () => {
    const members = Array.from({ length: 50 }, (_, i) => `m${i}`);
    for (const resp of [2, 3] as const) {
      const cmds = [
        ['SADD', 's', ...members],
        ['SRANDMEMBER', 's', '10'],
        ['SRANDMEMBER', 's', '40'],
        ['SRANDMEMBER', 's', '-100'],
        ['SRANDMEMBER', 's', '1'],
        ['SRANDMEMBER', 's', '-1'],
        ['SRANDMEMBER', 's'],
        ['SPOP', 's'],
        ['SPOP', 's', '3'],
        ['SPOP', 's', '40'],
        ['SCARD', 's'],
      ];
      const { ferrous, redis } = await h.both(cmds, resp);
      const shape = (raw: string) => {
        const d = decode(raw);
        if (typeof d === 'string') return `bulk:${d.startsWith('m')}`;
        if (Array.isArray(d)) return `${raw[0]}${d.length}`;
        if (d !== null && typeof d === 'object' && 'set' in d) return `${raw[0]}${d.set.length}`;
        return raw;
      };
      expect(ferrous.map(shape)).toEqual(redis.map(shape));
    }
  });

  it('SSCAN: intsets whole with cursor 0, options and errors', async () => {
    const cmds = [
      ['SADD', 's', '30', '1', '20', '11', '-5'],
      ['SSCAN', 's', '0'],
      ['SSCAN', 's', '7'],
      ['SSCAN', 's', '0', 'COUNT', '1'],
      ['SSCAN', 's', '0', 'MATCH', '1*'],
      ['SSCAN', 's', '0', 'match', '*', 'count', '2'],
      ['SSCAN', 's', '0', 'MATCH', 'x*'],
      ['SSCAN', 's', '', 'COUNT', '3'],
      ['SSCAN', 's', '-1'],
      ['SSCAN', 's', '+3'],
      ['SSCAN', 's', '18446744073709551615'],
      ['SSCAN', 's', '18446744073709551616'],
      ['SSCAN', 's', 'abc'],
      ['SSCAN', 's', ' 1'],
      ['SSCAN', 's', '0', 'COUNT', '0'],
      ['SSCAN', 's', '0', 'COUNT', '-1'],
      ['SSCAN', 's', '0', 'COUNT', 'abc'],
      ['SSCAN', 's', '0', 'COUNT'],
      ['SSCAN', 's', '0', 'MATCH'],
      ['SSCAN', 's', '0', 'TYPE', 'set'],
      ['SSCAN', 's', '0', 'FOO', 'bar'],
      ['SSCAN', 'nokey', '0'],
      ['SSCAN', 'nokey', '0', 'COUNT', 'abc'],
      ['SSCAN', 'nokey', 'abc'],
      ['SET', 'str', 'v'],
      ['SSCAN', 'str', '0', 'COUNT', 'abc'],
      ['SSCAN', 'str', 'abc'],
    ];
    await h.same(...cmds);
    await h.same3(...cmds);
  });

  it('SSCAN of a hashtable set visits every member (MATCH filters)', async () => {
    const members = Array.from({ length: 300 }, (_, i) => `k${i}`);
    const port = { ferrous: h.ferrousPort(), redis: h.redisPort() };
    const collect = async (p: number, match: string | null): Promise<string[]> => {
      const c = await RawClient.connect(p);
      try {
        await c.call('DEL', 'scan:s');
        await c.call('SADD', 'scan:s', ...members);
        const seen = new Set<string>();
        let cursor = '0';
        do {
          const [next, items] = (await c.exec('SSCAN', 'scan:s', cursor, 'COUNT', '7', ...(match ? ['MATCH', match] : []))) as [string, string[]];
          for (const m of items) seen.add(m);
          cursor = next;
        } while (cursor !== '0');
        return [...seen].sort();
      } finally {
        c.close();
      }
    };
    expect(await collect(port.ferrous, null)).toEqual(await collect(port.redis, null));
    expect(await collect(port.ferrous, 'k1*')).toEqual(await collect(port.redis, 'k1*'));
    expect(await collect(port.ferrous, 'k1*')).toHaveLength(111);
  });

  it('TYPE, COPY and SORT read sets through the registered type', async () => {
    const cmds = [
      ['SADD', 's', '3', '1', '2'],
      ['TYPE', 's'],
      ['COPY', 's', 'c'],
      ['SADD', 'c', '4'],
      ['SMEMBERS', 's'],
      ['SMEMBERS', 'c'],
      ['OBJECT', 'ENCODING', 'c'],
      ['SORT', 's'],
      ['SORT', 's', 'DESC'],
    ];
    await h.same(...cmds);
  });
});
